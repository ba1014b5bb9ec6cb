package io.github.mctunnel.emulator.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request as the emulator's handlers see it. The body has not been consumed yet; whatever
 * a handler leaves unread is drained by the server before the response is sent.
 */
public final class EmulatorRequest {

    /** The path prefix of the ODPS (meta) service, as in {@code http://host:port/api}. */
    public static final String META_PREFIX = "/api";

    private final String method;
    private final String path;
    private final boolean meta;
    private final Map<String, String> params;
    private final Map<String, String> headers;
    private final Map<String, String> headersIgnoreCase;
    private final InputStream body;
    private final String requestId;
    private final String clientAddress;
    private final String connection;
    private final long sequence;
    private final String uriError;

    EmulatorRequest(
            String method,
            String rawPathAndQuery,
            Map<String, String> headers,
            InputStream body,
            String requestId,
            String clientAddress,
            String connection,
            long sequence) {
        this.method = method.toUpperCase(Locale.ROOT);
        String rawPath = rawPathAndQuery;
        String rawQuery = null;
        int q = rawPathAndQuery.indexOf('?');
        if (q >= 0) {
            rawPath = rawPathAndQuery.substring(0, q);
            rawQuery = rawPathAndQuery.substring(q + 1);
        }
        String decoded = decodePath(rawPath);
        if (decoded.equals(META_PREFIX) || decoded.startsWith(META_PREFIX + "/")) {
            this.meta = true;
            decoded = decoded.substring(META_PREFIX.length());
            if (decoded.isEmpty()) {
                decoded = "/";
            }
        } else {
            this.meta = false;
        }
        this.path = decoded;
        Map<String, String> query;
        String error = null;
        try {
            query = parseQuery(rawQuery);
        } catch (IllegalArgumentException e) {
            query = new LinkedHashMap<>();
            error = "The query string is not validly URL-encoded: " + e.getMessage();
        }
        this.params = Collections.unmodifiableMap(query);
        this.uriError = error;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        TreeMap<String, String> ci = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        ci.putAll(headers);
        this.headersIgnoreCase = Collections.unmodifiableMap(ci);
        this.body = body;
        this.requestId = requestId;
        this.clientAddress = clientAddress;
        this.connection = connection == null ? clientAddress : connection;
        this.sequence = sequence;
    }

    /**
     * Creates a request outside the HTTP server (tests, embedded dispatch). {@code rawPathAndQuery}
     * is URL-encoded as on a request line.
     */
    public static EmulatorRequest of(
            String method,
            String rawPathAndQuery,
            Map<String, String> headers,
            InputStream body,
            String clientAddress) {
        return new EmulatorRequest(
                method,
                rawPathAndQuery,
                headers,
                body,
                RequestIds.next(),
                clientAddress,
                clientAddress,
                RequestIds.nextSequence());
    }

    /** Like {@link #of(String, String, Map, InputStream, String)}, on a given connection. */
    public static EmulatorRequest of(
            String method,
            String rawPathAndQuery,
            Map<String, String> headers,
            InputStream body,
            String clientAddress,
            String connection) {
        return new EmulatorRequest(
                method,
                rawPathAndQuery,
                headers,
                body,
                RequestIds.next(),
                clientAddress,
                connection,
                RequestIds.nextSequence());
    }

    public String method() {
        return method;
    }

    /** The decoded path; for meta calls without the {@code /api} prefix. */
    public String path() {
        return path;
    }

    /** Whether the request came in under {@code /api} (the ODPS meta service). */
    public boolean isMeta() {
        return meta;
    }

    /** Decoded query parameters; bare keys map to {@code ""}. */
    public Map<String, String> params() {
        return params;
    }

    /** A decoded query parameter, or null when absent ({@code ""} for a bare key). */
    public String param(String name) {
        return params.get(name);
    }

    public boolean hasParam(String name) {
        return params.containsKey(name);
    }

    /** A request header, looked up case-insensitively, or null. */
    public String header(String name) {
        return headersIgnoreCase.get(name);
    }

    /** All request headers with their names as sent (the last value of a repeated header). */
    public Map<String, String> headers() {
        return headers;
    }

    /** The request body; empty when the request has none. */
    public InputStream body() {
        return body;
    }

    /** Reads the whole body. */
    public byte[] bodyBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        body.transferTo(out);
        return out.toByteArray();
    }

    /**
     * Why the request target cannot be decoded (a bad {@code %}-escape), or null; the server
     * answers such a request with 400 {@code InvalidURI} before any handler sees it.
     */
    public String uriError() {
        return uriError;
    }

    /** The id sent back in {@code x-odps-request-id}. */
    public String requestId() {
        return requestId;
    }

    /** The client's IP address. */
    public String clientAddress() {
        return clientAddress;
    }

    /** The client's end of the TCP connection ({@code address:port}) the request came on. */
    public String connection() {
        return connection;
    }

    /** Arrival order of this request among all requests of this JVM. */
    public long sequence() {
        return sequence;
    }

    /** The sequence number of the latest request that arrived so far. */
    public static long latestSequence() {
        return RequestIds.currentSequence();
    }

    @Override
    public String toString() {
        return method + " " + (meta ? META_PREFIX : "") + path + " " + params.keySet();
    }

    static String decodePath(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    out.write((hi << 4) | lo);
                    i += 2;
                    continue;
                }
            }
            byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
            out.write(bytes, 0, bytes.length);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> map = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return map;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            map.put(
                    URLDecoder.decode(key, StandardCharsets.UTF_8),
                    URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return map;
    }
}
