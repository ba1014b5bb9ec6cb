package io.github.mctunnel.flink.sink;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.time.Duration;

/**
 * When a writer sends its buffered records: after {@code maxRows} records, when {@code maxBytes}
 * encoded bytes are buffered (this also bounds the writer's memory: the writer flushes
 * synchronously, so a full buffer back-pressures the job), every {@code interval} (zero: no timer),
 * and always before a checkpoint barrier.
 */
@PublicEvolving
public final class FlushPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_ROWS = 100_000;
    public static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024;
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private final int maxRows;
    private final long maxBytes;
    private final long intervalMillis;

    public FlushPolicy(int maxRows, long maxBytes, Duration interval) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("flush max rows must be at least 1, got " + maxRows);
        }
        if (maxBytes < 1024) {
            throw new IllegalArgumentException(
                    "flush max bytes must be at least 1024, got " + maxBytes);
        }
        if (interval == null || interval.isNegative()) {
            throw new IllegalArgumentException(
                    "flush interval must be zero (no timer) or positive, got " + interval);
        }
        this.maxRows = maxRows;
        this.maxBytes = maxBytes;
        this.intervalMillis = interval.toMillis();
    }

    public static FlushPolicy defaults() {
        return new FlushPolicy(DEFAULT_MAX_ROWS, DEFAULT_MAX_BYTES, DEFAULT_INTERVAL);
    }

    public int maxRows() {
        return maxRows;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Milliseconds between timer flushes, 0 for none. */
    public long intervalMillis() {
        return intervalMillis;
    }

    @Override
    public String toString() {
        return "FlushPolicy{maxRows="
                + maxRows
                + ", maxBytes="
                + maxBytes
                + ", intervalMillis="
                + intervalMillis
                + '}';
    }
}
