package io.github.mctunnel.flink.source.split;

import io.github.mctunnel.client.schema.PartitionSpec;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

import java.io.Serializable;
import java.util.Objects;

/**
 * A row range {@code [start, end)} of one download session of one partition, and the next row to
 * read. The next row is the split's progress: a split restored from a checkpoint resumes there, so
 * no row is read twice or skipped. Immutable; progress lives in {@link TunnelSplitState}. Java
 * serializable only to travel in {@link SplitInvalidatedEvent}; checkpoints use {@link
 * TunnelSplitSerializer}.
 */
@Internal
public final class TunnelSplit implements SourceSplit, Serializable {

    private static final long serialVersionUID = 1L;

    private final String partition;
    private final String sessionId;
    private final long sessionRowCount;
    private final long start;
    private final long end;
    private final long nextRow;

    /**
     * @param partition the partition in tunnel form ({@code ds=1,hh=2}), empty for a
     *     non-partitioned table
     * @param sessionRowCount the row count of the whole download session
     */
    public TunnelSplit(
            String partition,
            String sessionId,
            long sessionRowCount,
            long start,
            long end,
            long nextRow) {
        this.partition = Objects.requireNonNull(partition, "partition");
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        if (start < 0 || end < start || nextRow < start || nextRow > end || end > sessionRowCount) {
            throw new IllegalArgumentException(
                    "Invalid split range: start "
                            + start
                            + ", end "
                            + end
                            + ", next row "
                            + nextRow
                            + ", session rows "
                            + sessionRowCount);
        }
        this.sessionRowCount = sessionRowCount;
        this.start = start;
        this.end = end;
        this.nextRow = nextRow;
    }

    /** {@code <session id>/<start>}: unique, since ranges of one session do not overlap. */
    @Override
    public String splitId() {
        return sessionId + "/" + start;
    }

    public String partition() {
        return partition;
    }

    public PartitionSpec partitionSpec() {
        return PartitionSpec.parse(partition);
    }

    public String sessionId() {
        return sessionId;
    }

    public long sessionRowCount() {
        return sessionRowCount;
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    public long nextRow() {
        return nextRow;
    }

    public boolean isFinished() {
        return nextRow >= end;
    }

    /** This split resumed at {@code row}. */
    public TunnelSplit withNextRow(long row) {
        return new TunnelSplit(partition, sessionId, sessionRowCount, start, end, row);
    }

    /** For messages: partition, session and range. */
    public String describe() {
        return (partition.isEmpty() ? "" : "partition " + partition + ", ")
                + "session "
                + sessionId
                + ", rows ["
                + start
                + ", "
                + end
                + "), next row "
                + nextRow;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TunnelSplit s
                && partition.equals(s.partition)
                && sessionId.equals(s.sessionId)
                && sessionRowCount == s.sessionRowCount
                && start == s.start
                && end == s.end
                && nextRow == s.nextRow;
    }

    @Override
    public int hashCode() {
        return Objects.hash(partition, sessionId, sessionRowCount, start, end, nextRow);
    }

    @Override
    public String toString() {
        return "TunnelSplit{" + describe() + "}";
    }
}
