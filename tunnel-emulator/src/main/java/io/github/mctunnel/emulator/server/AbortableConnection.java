package io.github.mctunnel.emulator.server;

import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpServerConnection;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.apache.hc.core5.io.CloseMode;

import java.io.IOException;
import java.net.Socket;

/**
 * A server connection whose response body can be cut off while it is being sent. A streamed body
 * that fails half way must not end with the chunked terminator (the client would take a cut body
 * for a complete one), so the entity resets the connection through {@link #abortCurrent()}.
 */
final class AbortableConnection extends DefaultBHttpServerConnection {

    /** The connection whose response entity the current thread is sending. */
    private static final ThreadLocal<AbortableConnection> SENDING = new ThreadLocal<>();

    private AbortableConnection() {
        super(URIScheme.HTTP.id, Http1Config.DEFAULT);
    }

    @Override
    public void sendResponseEntity(ClassicHttpResponse response) throws HttpException, IOException {
        SENDING.set(this);
        try {
            super.sendResponseEntity(response);
        } finally {
            SENDING.remove();
        }
    }

    /**
     * Resets the connection whose response body the calling thread is sending (no-op outside one):
     * nothing more reaches the client, not even the end of the chunked body.
     */
    static void abortCurrent() {
        AbortableConnection c = SENDING.get();
        if (c != null) {
            c.close(CloseMode.IMMEDIATE);
        }
    }

    /** Creates the server's connections. */
    static final class Factory implements HttpConnectionFactory<AbortableConnection> {
        @Override
        public AbortableConnection createConnection(Socket socket) throws IOException {
            AbortableConnection c = new AbortableConnection();
            c.bind(socket);
            return c;
        }
    }
}
