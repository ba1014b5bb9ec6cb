package io.github.mctunnel.client.http;

import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/** A successful (2xx) response whose body is still open; close it when done. */
public final class TunnelResponse implements Closeable {

    public static final String REQUEST_ID = "x-odps-request-id";

    private final HttpUriRequestBase request;
    private final ClassicHttpResponse response;

    TunnelResponse(HttpUriRequestBase request, ClassicHttpResponse response) {
        this.request = request;
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
     * Closes the response; an unread rest of the body is drained so that the connection can be
     * reused. Use {@link #abort()} to give up on a large or broken body instead.
     */
    @Override
    public void close() throws IOException {
        response.close();
    }

    /** Drops the connection without reading the rest of the body. */
    public void abort() {
        request.cancel();
        try {
            response.close();
        } catch (IOException ignored) {
            // the connection is gone either way
        }
    }
}
