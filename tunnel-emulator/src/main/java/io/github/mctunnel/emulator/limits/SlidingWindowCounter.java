package io.github.mctunnel.emulator.limits;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Counts events in a sliding time window and refuses an event that would exceed the budget (for
 * example 500 sessions per 5 minutes). Thread-safe; time comes from the given clock, so tests can
 * move it.
 */
public final class SlidingWindowCounter {

    private final int limit;
    private final long windowMillis;
    private final Clock clock;
    private final ArrayDeque<Long> timestamps = new ArrayDeque<>();

    public SlidingWindowCounter(int limit, Duration window, Clock clock) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        this.limit = limit;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /** Records one event if the budget allows it. */
    public synchronized boolean tryAcquire() {
        long now = clock.millis();
        evict(now);
        if (timestamps.size() >= limit) {
            return false;
        }
        timestamps.addLast(now);
        return true;
    }

    /** Events counted in the window ending now. */
    public synchronized int count() {
        evict(clock.millis());
        return timestamps.size();
    }

    /** Seconds until the oldest event leaves the window (at least 1), for a {@code Retry-After}. */
    public synchronized long secondsUntilFree() {
        long now = clock.millis();
        evict(now);
        if (timestamps.size() < limit) {
            return 0;
        }
        long waitMillis = timestamps.peekFirst() + windowMillis - now;
        return Math.max(1, (waitMillis + 999) / 1000);
    }

    public int limit() {
        return limit;
    }

    public Duration window() {
        return Duration.ofMillis(windowMillis);
    }

    private void evict(long now) {
        while (!timestamps.isEmpty() && timestamps.peekFirst() <= now - windowMillis) {
            timestamps.removeFirst();
        }
    }
}
