package io.github.mctunnel.client.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link BackoffGate}s by key (endpoint and table). The service applies its retry policy per client
 * (its IP address), not per connection or per client object: after a 429 or 503 every request of
 * this process to that table must wait, and the next throttle doubles the wait, however many {@code
 * TunnelClient}s the process holds (a TaskManager runs one per writer, reader and committer). So
 * every {@code TunnelClient} on the real clock shares {@link #processWide()}.
 *
 * <p>"Process" means this class as loaded once: a copy of the connector loaded by another class
 * loader (a job jar's, with Flink's child-first loading) has a registry of its own. Keeping the
 * connector in Flink's {@code lib/} directory (the SQL jar is put there) makes it one per process.
 */
public final class BackoffGates {

    private static final BackoffGates PROCESS_WIDE = new BackoffGates();

    private final ConcurrentMap<String, BackoffGate> gates = new ConcurrentHashMap<>();

    /** A registry of its own (shared with nobody else): clients on a simulated clock, tests. */
    public BackoffGates() {}

    /** The registry every client of this process on the real clock shares. */
    public static BackoffGates processWide() {
        return PROCESS_WIDE;
    }

    /** The gate of a key (endpoint + table), created open on first use. */
    public BackoffGate gate(String key) {
        return gates.computeIfAbsent(key, k -> new BackoffGate());
    }
}
