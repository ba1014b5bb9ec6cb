package io.github.mctunnel.emulator.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The response a handler builds. Header names are sent exactly as given (the SDK looks several of
 * them up case-sensitively). A fixed body is sent when the handler returns; a {@link #stream} body
 * is produced while it is sent, chunked.
 */
public final class EmulatorResponse {

    /** Produces a streamed body into the connection. */
    @FunctionalInterface
    public interface BodyWriter {
        /**
         * Writes the whole body. Need not close {@code out}. An exception (checked or not) cuts the
         * connection: the status line has been sent by then.
         */
        void writeTo(OutputStream out) throws IOException;
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private int status = 200;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private byte[] body;
    private String contentType;
    private String contentEncoding;
    private BodyWriter streamed;
    private byte[] streamedBytes;
    private long dropAfterBytes = -1;

    public void status(int code) {
        this.status = code;
    }

    public int status() {
        return status;
    }

    /**
     * Adds a header, name sent exactly as given. {@code Content-Length}, {@code Transfer-Encoding},
     * {@code Content-Type} and {@code Content-Encoding} are derived from the body and ignored here.
     */
    public void header(String name, String value) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("content-length")
                || lower.equals("transfer-encoding")
                || lower.equals("content-type")
                || lower.equals("content-encoding")) {
            return;
        }
        headers.removeIf(e -> e.getKey().equals(name));
        headers.add(Map.entry(name, value));
    }

    /** The headers set so far, in order. */
    public List<Map.Entry<String, String>> headers() {
        return Collections.unmodifiableList(headers);
    }

    /** Value of a header set so far (exact name), or null. */
    public String headerValue(String name) {
        for (Map.Entry<String, String> e : headers) {
            if (e.getKey().equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** A Jackson-serialised JSON body with {@code Content-Type: application/json}. */
    public void json(Object value) {
        try {
            body(JSON.writeValueAsBytes(value), "application/json");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise response body: " + e.getMessage(), e);
        }
    }

    public void body(byte[] bytes, String contentType) {
        this.body = bytes;
        this.contentType = contentType;
        this.contentEncoding = null;
        this.streamed = null;
        this.streamedBytes = null;
    }

    /**
     * A streamed body (downloads), sent chunked with {@code Content-Type: application/octet-stream}
     * and the given {@code Content-Encoding} (none when null). The server runs {@code writer} after
     * the handler returned, writing into the connection as it goes; everything a request can be
     * refused for must therefore be checked before.
     */
    public void stream(String contentEncodingOrNull, BodyWriter writer) {
        this.body = null;
        this.contentType = "application/octet-stream";
        this.contentEncoding = contentEncodingOrNull;
        this.streamed = writer;
        this.streamedBytes = null;
    }

    /** Fault injection: the connection is cut after this many body bytes were sent. */
    public void dropAfterBytes(long bytes) {
        this.dropAfterBytes = bytes;
    }

    long dropAfterBytes() {
        return dropAfterBytes;
    }

    /** Discards any body and headers (used when an error replaces a partial answer). */
    void reset() {
        status = 200;
        headers.clear();
        body = null;
        contentType = null;
        contentEncoding = null;
        streamed = null;
        streamedBytes = null;
    }

    boolean isStreamed() {
        return streamed != null;
    }

    BodyWriter bodyWriter() {
        return streamed;
    }

    /**
     * The body bytes, or null for none. A streamed body is produced into memory on the first call
     * (the server itself never does this; it is for tests and fault injection), and whatever the
     * writer throws is thrown here ({@link IOException} as {@link UncheckedIOException}).
     */
    public byte[] bodyBytes() {
        if (streamed != null) {
            if (streamedBytes == null) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
                try {
                    streamed.writeTo(bytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                streamedBytes = bytes.toByteArray();
            }
            return streamedBytes;
        }
        return body;
    }

    String contentType() {
        return contentType;
    }

    String contentEncoding() {
        return contentEncoding;
    }
}
