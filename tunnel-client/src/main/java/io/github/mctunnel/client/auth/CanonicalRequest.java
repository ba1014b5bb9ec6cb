package io.github.mctunnel.client.auth;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the string-to-sign shared by signature V2 and V4 (protocol spec 3.1).
 *
 * <pre>
 * METHOD
 * content-md5 value (or empty)
 * content-type value (or empty)
 * date value
 * x-odps-name:value   (headers and x-odps- query params, sorted by name)
 * /resource/path?a=1&amp;bare&amp;b=2   (all params sorted by name, decoded values)
 * </pre>
 */
public final class CanonicalRequest {

    private static final String PREFIX = "x-odps-";

    private CanonicalRequest() {}

    /**
     * Returns the exact string-to-sign.
     *
     * @param method HTTP method, upper case
     * @param headers request headers as sent on the wire; names in any case
     * @param resourcePath decoded path without the endpoint's path prefix, e.g. {@code
     *     /projects/p/tables/t}
     * @param params query parameters with decoded values; a null or empty value is a bare key
     */
    public static String stringToSign(
            String method,
            Map<String, String> headers,
            String resourcePath,
            Map<String, String> params) {
        TreeMap<String, String> signed = new TreeMap<>();
        if (headers != null) {
            for (Map.Entry<String, String> h : headers.entrySet()) {
                if (h.getKey() == null) {
                    continue;
                }
                String name = h.getKey().toLowerCase(Locale.ROOT);
                if (name.equals("content-type")
                        || name.equals("content-md5")
                        || name.equals("date")
                        || name.startsWith(PREFIX)) {
                    signed.put(name, h.getValue());
                }
            }
        }
        signed.putIfAbsent("content-type", "");
        signed.putIfAbsent("content-md5", "");
        if (params != null) {
            for (Map.Entry<String, String> p : params.entrySet()) {
                if (p.getKey().startsWith(PREFIX)) {
                    signed.put(p.getKey(), p.getValue());
                }
            }
        }
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append('\n');
        for (Map.Entry<String, String> e : signed.entrySet()) {
            String value = e.getValue() == null ? "" : e.getValue();
            if (e.getKey().startsWith(PREFIX)) {
                sb.append(e.getKey()).append(':').append(value);
            } else {
                sb.append(value);
            }
            sb.append('\n');
        }
        sb.append(canonicalResource(resourcePath, params));
        return sb.toString();
    }

    /**
     * The resource line: path, then all params sorted by name as {@code name=value} or {@code
     * name}.
     */
    public static String canonicalResource(String resourcePath, Map<String, String> params) {
        StringBuilder sb = new StringBuilder(resourcePath);
        if (params != null && !params.isEmpty()) {
            char sep = '?';
            for (Map.Entry<String, String> p : new TreeMap<>(params).entrySet()) {
                sb.append(sep).append(p.getKey());
                if (p.getValue() != null && !p.getValue().isEmpty()) {
                    sb.append('=').append(p.getValue());
                }
                sep = '&';
            }
        }
        return sb.toString();
    }
}
