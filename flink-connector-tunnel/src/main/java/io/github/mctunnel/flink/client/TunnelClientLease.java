package io.github.mctunnel.flink.client;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.Internal;

/**
 * A task's use of a shared {@link TunnelClient}. {@link #close()} releases it (once; later calls do
 * nothing); the client itself is closed when the last lease of its connection is released.
 */
@Internal
public final class TunnelClientLease implements AutoCloseable {

    private final SharedTunnelClients holder;
    private final TunnelConnectionOptions options;
    private final TunnelClient client;
    private boolean released;

    TunnelClientLease(
            SharedTunnelClients holder, TunnelConnectionOptions options, TunnelClient client) {
        this.holder = holder;
        this.options = options;
        this.client = client;
    }

    public TunnelClient client() {
        return client;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        holder.release(options, client);
    }
}
