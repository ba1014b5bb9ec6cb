package io.github.mctunnel.flink.client;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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

    /** How long the JVM holder keeps a client without leases (longer than the 32 s back-off). */
    public static final Duration JVM_LINGER = Duration.ofMinutes(1);

    private static final SharedTunnelClients JVM =
            new SharedTunnelClients(
                    options -> options.clientBuilder().build(),
                    JVM_LINGER,
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread t = new Thread(r, "tunnel-client-closer");
                                t.setDaemon(true);
                                return t;
                            }));

    private final Function<TunnelConnectionOptions, TunnelClient> factory;
    private final Duration linger;
    private final ScheduledExecutorService closer;
    private final Map<TunnelConnectionOptions, Entry> clients = new HashMap<>();

    /**
     * @param factory builds the client of a connection not leased yet
     * @param linger how long a client without leases stays open (zero: closed at once)
     * @param closer runs the delayed closes (unused when {@code linger} is zero)
     */
    public SharedTunnelClients(
            Function<TunnelConnectionOptions, TunnelClient> factory,
            Duration linger,
            ScheduledExecutorService closer) {
        this.factory = factory;
        this.linger = linger;
        this.closer = closer;
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
        if (entry.pendingClose != null) {
            entry.pendingClose.cancel(false);
            entry.pendingClose = null;
        }
        return new TunnelClientLease(this, options, entry.client);
    }

    /** Whether a client of {@code options} is open (leased or lingering). */
    public synchronized boolean isOpen(TunnelConnectionOptions options) {
        return clients.containsKey(options);
    }

    /** How many leases of {@code options} are open. */
    public synchronized int leaseCount(TunnelConnectionOptions options) {
        Entry entry = clients.get(options);
        return entry == null ? 0 : entry.leases;
    }

    synchronized void release(TunnelConnectionOptions options, TunnelClient client) {
        Entry entry = clients.get(options);
        if (entry == null || entry.client != client) {
            return;
        }
        if (--entry.leases > 0) {
            return;
        }
        if (linger.isZero()) {
            closeUnused(options, entry);
        } else {
            entry.pendingClose =
                    closer.schedule(
                            () -> closeUnused(options, entry),
                            linger.toMillis(),
                            TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void closeUnused(TunnelConnectionOptions options, Entry entry) {
        if (entry.leases > 0 || clients.get(options) != entry) {
            return;
        }
        clients.remove(options);
        try {
            entry.client.close();
        } catch (IOException e) {
            LOG.warn("Could not close the Tunnel client of {}", options, e);
        }
    }

    private static final class Entry {
        final TunnelClient client;
        int leases;
        ScheduledFuture<?> pendingClose;

        Entry(TunnelClient client) {
            this.client = client;
        }
    }
}
