package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.annotation.Internal;

import java.util.ArrayDeque;

/** At most {@code limit} events in any window of {@code windowMillis}; not thread-safe. */
@Internal
final class SlidingWindowBudget {

    private final int limit;
    private final long windowMillis;
    private final ArrayDeque<Long> events = new ArrayDeque<>();

    SlidingWindowBudget(int limit, long windowMillis) {
        this.limit = limit;
        this.windowMillis = windowMillis;
    }

    /** Milliseconds until one more event fits (0 when it fits now). */
    long waitMillis(long now) {
        while (!events.isEmpty() && events.peekFirst() <= now - windowMillis) {
            events.pollFirst();
        }
        return events.size() < limit ? 0 : events.peekFirst() + windowMillis - now;
    }

    void record(long now) {
        events.addLast(now);
    }
}
