package io.github.mctunnel.client.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * URL encoding as the service expects it (protocol spec 2.1): {@link URLEncoder} in UTF-8 with
 * {@code +} replaced by {@code %20}; bare query keys (null or empty value) are sent without {@code
 * =}.
 */
public final class UrlEncoding {

    private UrlEncoding() {}

    /** Encodes one path segment or query value. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Encodes a decoded path such as {@code /projects/a b/tables/t} segment by segment. */
    public static String encodePath(String decodedPath) {
        StringBuilder sb = new StringBuilder(decodedPath.length() + 16);
        int start = 0;
        while (start < decodedPath.length()) {
            int slash = decodedPath.indexOf('/', start);
            if (slash < 0) {
                sb.append(encode(decodedPath.substring(start)));
                break;
            }
            sb.append(encode(decodedPath.substring(start, slash))).append('/');
            start = slash + 1;
        }
        return sb.toString();
    }

    /** The query string without the leading {@code ?}: {@code a=1&bare&b=x%20y}. */
    public static String encodeQuery(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(encode(p.getKey()));
            if (p.getValue() != null && !p.getValue().isEmpty()) {
                sb.append('=').append(encode(p.getValue()));
            }
        }
        return sb.toString();
    }
}
