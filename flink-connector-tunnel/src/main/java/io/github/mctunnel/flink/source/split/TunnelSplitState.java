package io.github.mctunnel.flink.source.split;

import org.apache.flink.annotation.Internal;

/** The mutable progress of a split in a reader: the next row, advanced per emitted record. */
@Internal
public final class TunnelSplitState {

    private final TunnelSplit split;
    private long nextRow;

    public TunnelSplitState(TunnelSplit split) {
        this.split = split;
        this.nextRow = split.nextRow();
    }

    /** Called after one record of the split was emitted. */
    public void advance() {
        nextRow++;
    }

    public long nextRow() {
        return nextRow;
    }

    /**
     * Rows of the range not yet emitted. Other threads (metrics) may see a slightly stale value,
     * which is fine for a gauge; the per-record update stays a plain write.
     */
    public long remainingRows() {
        return split.end() - nextRow;
    }

    public TunnelSplit split() {
        return split;
    }

    /** The split as it stands now, for checkpoints. */
    public TunnelSplit toSplit() {
        return split.withNextRow(nextRow);
    }
}
