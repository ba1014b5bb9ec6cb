package io.github.mctunnel.client.http;

import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/** A successful (2xx) response whose body is still open; close it when done. */
public final class TunnelResponse implements Closeable {

    public static final String REQUEST_ID = "x-odps-request-id";

    private final ClassicHttpResponse response;

    TunnelResponse(ClassicHttpResponse response) {
        this.response = response;
    }

    public int status() {
        return response.getCode();
    }

    /** The first value of a header (name matched case-insensitively), or null. */
    public String header(String name) {
        Header h = response.getFirstHeader(name);
        return h == null ? null : h.getValue();
    }

    public String requestId() {
        return header(REQUEST_ID);
    }

    /** The body stream (empty when the response has none). */
    public InputStream body() throws IOException {
        HttpEntity entity = response.getEntity();
        return entity == null ? InputStream.nullInputStream() : entity.getContent();
    }

    /**
     * Closes the response. When the body was not read to the end the connection is discarded rather
     * than drained.
     */
    @Override
    public void close() throws IOException {
        response.close();
    }
}
