package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link TunnelClient} per exactly-once sink and JVM, shared by its writers, its session
 * coordinator and its committer there. The service applies its retry policy per client address and
 * table (after a 429/503, no request on that table for a while); a shared client shares its
 * back-off gate, so after one subtask was throttled the others on the same host wait too instead of
 * counting as attack requests.
 */
@Internal
public final class SharedTunnelClients {

    private static final Map<String, Shared> CLIENTS = new HashMap<>();

    private static final class Shared {
        final TunnelClient client;
        int users;

        Shared(TunnelClient client) {
            this.client = client;
        }
    }

    private SharedTunnelClients() {}

    /** The sink's client in this JVM; each call must be matched by one {@link #release}. */
    public static synchronized TunnelClient acquire(
            String sinkId, TunnelConnectionOptions connection) {
        Shared s =
                CLIENTS.computeIfAbsent(
                        sinkId, id -> new Shared(connection.clientBuilder().build()));
        s.users++;
        return s.client;
    }

    /** Gives the client back; the last user closes it. */
    public static void release(String sinkId) throws IOException {
        TunnelClient toClose = null;
        synchronized (SharedTunnelClients.class) {
            Shared s = CLIENTS.get(sinkId);
            if (s != null && --s.users == 0) {
                CLIENTS.remove(sinkId);
                toClose = s.client;
            }
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    /** Clients currently shared (for tests). */
    static synchronized int openClients() {
        return CLIENTS.size();
    }
}
