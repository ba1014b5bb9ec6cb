package io.github.mctunnel.flink.client;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One {@link TunnelClient} per connection (endpoints, project, credentials, quota) in this JVM,
 * shared by all tasks of a TaskManager, so that they share its connection pool and its back-off
 * gates: after a 429/503 every task waits, instead of one task retrying on a table another task was
 * just throttled on. Reference-counted: the client is closed when its last lease is.
 */
@Internal
public final class SharedTunnelClients {

    private static final Logger LOG = LoggerFactory.getLogger(SharedTunnelClients.class);

    private static final SharedTunnelClients JVM =
            new SharedTunnelClients(options -> options.clientBuilder().build());

    private final Function<TunnelConnectionOptions, TunnelClient> factory;
    private final Map<TunnelConnectionOptions, Entry> clients = new HashMap<>();

    /**
     * @param factory builds the client of a connection not leased yet
     */
    public SharedTunnelClients(Function<TunnelConnectionOptions, TunnelClient> factory) {
        this.factory = factory;
    }

    /** The holder of this JVM. */
    public static SharedTunnelClients jvm() {
        return JVM;
    }

    /** A lease on the client of {@code options}, built on the first lease; close it when done. */
    public synchronized TunnelClientLease acquire(TunnelConnectionOptions options) {
        Entry entry = clients.get(options);
        if (entry == null) {
            entry = new Entry(factory.apply(options));
            clients.put(options, entry);
        }
        entry.leases++;
        return new TunnelClientLease(this, options, entry.client);
    }

    /** How many leases of {@code options} are open (0 when its client is closed). */
    public synchronized int leaseCount(TunnelConnectionOptions options) {
        Entry entry = clients.get(options);
        return entry == null ? 0 : entry.leases;
    }

    synchronized void release(TunnelConnectionOptions options, TunnelClient client) {
        Entry entry = clients.get(options);
        if (entry == null || entry.client != client) {
            return;
        }
        if (--entry.leases == 0) {
            clients.remove(options);
            try {
                client.close();
            } catch (IOException e) {
                LOG.warn("Could not close the Tunnel client of {}", options, e);
            }
        }
    }

    private static final class Entry {
        final TunnelClient client;
        int leases;

        Entry(TunnelClient client) {
            this.client = client;
        }
    }
}
