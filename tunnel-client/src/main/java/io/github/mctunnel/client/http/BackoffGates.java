package io.github.mctunnel.client.http;

import java.time.Clock;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The {@link BackoffGate}s of one process, by key (endpoint and table). The service applies its
 * retry policy per client (its IP address), not per connection or per client object: after a 429 or
 * 503 every request of this process to that table must wait, and the next throttle doubles the
 * wait, however many {@code TunnelClient}s the process holds (a TaskManager runs one per writer,
 * reader and coordinator). So every client built on the same clock shares one registry ({@link
 * #of(Clock)}); clients on a simulated clock (tests) share theirs, apart from the real clock's.
 */
public final class BackoffGates {

    private static final Map<Clock, BackoffGates> BY_CLOCK =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final ConcurrentMap<String, BackoffGate> gates = new ConcurrentHashMap<>();

    /** A registry of its own (shared with nobody else). */
    public BackoffGates() {}

    /** The registry every client of this process on {@code clock} shares. */
    public static BackoffGates of(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        return BY_CLOCK.computeIfAbsent(clock, c -> new BackoffGates());
    }

    /** The gate of a key (endpoint + table), created open on first use. */
    public BackoffGate gate(String key) {
        return gates.computeIfAbsent(key, k -> new BackoffGate());
    }
}
