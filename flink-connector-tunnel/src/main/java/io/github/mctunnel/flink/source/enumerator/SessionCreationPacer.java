package io.github.mctunnel.flink.source.enumerator;

import org.apache.flink.annotation.Internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Keeps download-session creations within a budget per sliding window (the service allows 200 per
 * table per 5 minutes): a creation may start only when fewer than the budget started within the
 * last window. Not thread-safe (the enumerator's coordinator thread owns it).
 */
@Internal
public final class SessionCreationPacer {

    private final int maxSessions;
    private final long windowMillis;
    private final Deque<Long> recent = new ArrayDeque<>();

    public SessionCreationPacer(int maxSessions, Duration window) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException(
                    "The download session budget must be at least 1, got " + maxSessions);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException(
                    "The download session window must be positive, got " + window);
        }
        this.maxSessions = maxSessions;
        this.windowMillis = window.toMillis();
    }

    /** Milliseconds until a creation may start; 0 when it may start now. */
    public long delayMillis(long nowMillis) {
        while (!recent.isEmpty() && recent.peekFirst() <= nowMillis - windowMillis) {
            recent.pollFirst();
        }
        if (recent.size() < maxSessions) {
            return 0;
        }
        return recent.peekFirst() + windowMillis - nowMillis;
    }

    /** A creation started at {@code nowMillis}. */
    public void record(long nowMillis) {
        recent.addLast(nowMillis);
    }

    /** Start times within the window, oldest first (for the enumerator checkpoint). */
    public List<Long> recentStarts() {
        return new ArrayList<>(recent);
    }

    /** Restores start times from a checkpoint. */
    public void restore(List<Long> starts) {
        recent.clear();
        recent.addAll(starts);
    }
}
