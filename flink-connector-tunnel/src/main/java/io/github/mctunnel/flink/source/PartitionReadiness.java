package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.schema.PartitionSpec;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * When a continuous read takes a partition: a partition is read once, so reading it while its
 * writer still commits to it would miss the rows committed later. A bounded read reads every
 * selected partition as it stands and ignores this rule.
 *
 * <ul>
 *   <li>{@link #whenNewerPartitionHasRows()} (default): once a partition ordered after it (in
 *       {@link io.github.mctunnel.flink.source.enumerator.PartitionOrder}) has rows, i.e. the
 *       writer moved on. The newest partition is not read until then. Fits tables partitioned by
 *       time ({@code ds}, {@code ds/hh}); partitions added ahead of their data do not count while
 *       they are empty. When the service's partition metadata has no row counts, a newer partition
 *       counts as soon as it is listed.
 *   <li>{@link #whenDoneMarkerExists()}: once the writer added a marker partition: the same spec
 *       with {@code .done} appended to its last value ({@code ds=20240101.done} for {@code
 *       ds=20240101}; {@code ds=20240101,hh=08.done} for {@code ds=20240101,hh=08}). Marker
 *       partitions are never read.
 *   <li>{@link #afterQuietPeriod(Duration)}: once its row count stayed the same for the period,
 *       looked at in the partition's metadata (or, where the service does not say, with a download
 *       session per look).
 *   <li>{@link #immediately()}: as soon as it has rows (rows committed to it later are not read).
 * </ul>
 */
@PublicEvolving
public final class PartitionReadiness implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The suffix of done-marker partitions by default. */
    public static final String DEFAULT_DONE_SUFFIX = ".done";

    /** The kinds of rule. */
    public enum Kind {
        IMMEDIATELY,
        NEWER_PARTITION_HAS_ROWS,
        DONE_MARKER,
        QUIET_PERIOD
    }

    private final Kind kind;
    private final String doneSuffix;
    private final Duration quietPeriod;

    private PartitionReadiness(Kind kind, String doneSuffix, Duration quietPeriod) {
        this.kind = kind;
        this.doneSuffix = doneSuffix;
        this.quietPeriod = quietPeriod;
    }

    public static PartitionReadiness immediately() {
        return new PartitionReadiness(Kind.IMMEDIATELY, null, null);
    }

    public static PartitionReadiness whenNewerPartitionHasRows() {
        return new PartitionReadiness(Kind.NEWER_PARTITION_HAS_ROWS, null, null);
    }

    public static PartitionReadiness whenDoneMarkerExists() {
        return whenDoneMarkerExists(DEFAULT_DONE_SUFFIX);
    }

    /** With marker partitions named by this suffix on the last partition value. */
    public static PartitionReadiness whenDoneMarkerExists(String suffix) {
        if (suffix == null || suffix.isEmpty()) {
            throw new IllegalArgumentException(
                    "TunnelSource: the done-marker suffix must not be empty");
        }
        return new PartitionReadiness(Kind.DONE_MARKER, suffix, null);
    }

    public static PartitionReadiness afterQuietPeriod(Duration quietPeriod) {
        if (quietPeriod == null || quietPeriod.isNegative() || quietPeriod.isZero()) {
            throw new IllegalArgumentException(
                    "TunnelSource: the quiet period of partition readiness must be positive, got "
                            + quietPeriod);
        }
        return new PartitionReadiness(Kind.QUIET_PERIOD, null, quietPeriod);
    }

    public Kind kind() {
        return kind;
    }

    /** The quiet period (kind QUIET_PERIOD), else null. */
    public Duration quietPeriod() {
        return quietPeriod;
    }

    /** Whether {@code partition} is a done marker (kind DONE_MARKER), never read. */
    public boolean isDoneMarker(PartitionSpec partition) {
        if (kind != Kind.DONE_MARKER || partition.isEmpty()) {
            return false;
        }
        String last = null;
        for (String v : partition.values().values()) {
            last = v;
        }
        return last.endsWith(doneSuffix);
    }

    /** The marker of {@code partition} (kind DONE_MARKER), in tunnel form. */
    public String doneMarkerOf(PartitionSpec partition) {
        Map<String, String> values = new LinkedHashMap<>(partition.values());
        String lastKey = null;
        for (String k : values.keySet()) {
            lastKey = k;
        }
        values.put(lastKey, values.get(lastKey) + doneSuffix);
        return PartitionSpec.of(values).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionReadiness r
                && kind == r.kind
                && Objects.equals(doneSuffix, r.doneSuffix)
                && Objects.equals(quietPeriod, r.quietPeriod);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, doneSuffix, quietPeriod);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case IMMEDIATELY -> "immediately";
            case NEWER_PARTITION_HAS_ROWS -> "when a newer partition has rows";
            case DONE_MARKER -> "when a done marker ('" + doneSuffix + "') exists";
            case QUIET_PERIOD -> "after a quiet period of " + quietPeriod;
        };
    }
}
