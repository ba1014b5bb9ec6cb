package io.github.mctunnel.flink.source.reader;

import io.github.mctunnel.flink.source.split.SplitInvalidatedAck;
import io.github.mctunnel.flink.source.split.SplitInvalidatedEvent;
import io.github.mctunnel.flink.source.split.TunnelSplit;
import io.github.mctunnel.flink.source.split.TunnelSplitState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.core.io.InputStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The source reader: pulls one split at a time from the enumerator, reads it in one fetcher thread,
 * and checkpoints each split's next unread row. A split whose session became invalid under policy
 * RECREATE is handed back to the enumerator with its next row; it stays in this reader's
 * checkpoints until the enumerator acknowledges it, so it cannot get lost between the two.
 *
 * <p>Registers the standard {@code pendingRecords} gauge: the unread rows of the splits it holds.
 *
 * <p>Event time: a reader that holds no split marks its output idle, so it holds back no watermark
 * downstream while it waits for splits (more readers than splits, or a continuous read between
 * partitions), and marks it active again before it emits the rows of a new split. Splits can be
 * paused for watermark alignment.
 *
 * <p>"No more splits" from the enumerator ends the reader only once it holds no split and no split
 * handed back awaits acknowledgement: a split it still holds (e.g. several restored from a
 * checkpoint) may turn out invalid, and the rest the enumerator hands out again for it goes to the
 * next reader that asks, possibly this one, which must then still be running. Every finished split
 * asks for another, so the enumerator says it again.
 */
@Internal
public final class TunnelSourceReader<OUT>
        extends SingleThreadMultiplexSourceReaderBase<OUT, OUT, TunnelSplit, TunnelSplitState> {

    private final Map<String, TunnelSplit> invalidatedSplits;
    private final Map<String, TunnelSplit> awaitingAck = new LinkedHashMap<>();
    private final Map<String, TunnelSplitState> active = new ConcurrentHashMap<>();
    private boolean idle;

    /**
     * @param invalidatedSplits the map the split reader puts invalidated splits into (thread-safe)
     */
    public TunnelSourceReader(
            Supplier<SplitReader<OUT, TunnelSplit>> splitReaderSupplier,
            Map<String, TunnelSplit> invalidatedSplits,
            Configuration config,
            SourceReaderContext context) {
        super(splitReaderSupplier, new TunnelRecordEmitter<>(), config, context);
        this.invalidatedSplits = invalidatedSplits;
        context.metricGroup().setPendingRecordsGauge(this::pendingRecords);
    }

    /** Rows not yet emitted of the splits this reader holds (read by the metrics thread). */
    private long pendingRecords() {
        long n = 0;
        for (TunnelSplitState s : active.values()) {
            n += s.remainingRows();
        }
        return n;
    }

    @Override
    public void start() {
        super.start();
        if (getNumberOfCurrentlyAssignedSplits() == 0) {
            context.sendSplitRequest();
        }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<OUT> output) throws Exception {
        if (idle && getNumberOfCurrentlyAssignedSplits() > 0) {
            idle = false;
            output.markActive();
        }
        InputStatus status = super.pollNext(output);
        if (!idle
                && status == InputStatus.NOTHING_AVAILABLE
                && getNumberOfCurrentlyAssignedSplits() == 0) {
            idle = true;
            output.markIdle();
        }
        return status;
    }

    @Override
    protected void onSplitFinished(Map<String, TunnelSplitState> finishedSplitIds) {
        for (Map.Entry<String, TunnelSplitState> e : finishedSplitIds.entrySet()) {
            active.remove(e.getKey());
            if (invalidatedSplits.remove(e.getKey()) != null) {
                TunnelSplit rest = e.getValue().toSplit();
                awaitingAck.put(e.getKey(), rest);
                context.sendSourceEventToCoordinator(new SplitInvalidatedEvent(rest));
            }
        }
        context.sendSplitRequest();
    }

    @Override
    public void notifyNoMoreSplits() {
        if (getNumberOfCurrentlyAssignedSplits() > 0 || !awaitingAck.isEmpty()) {
            return; // asked again when the splits held now finish
        }
        super.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent sourceEvent) {
        if (sourceEvent instanceof SplitInvalidatedAck ack) {
            awaitingAck.remove(ack.splitId());
        }
    }

    @Override
    public List<TunnelSplit> snapshotState(long checkpointId) {
        List<TunnelSplit> splits = new ArrayList<>(super.snapshotState(checkpointId));
        splits.addAll(awaitingAck.values());
        return splits;
    }

    @Override
    protected TunnelSplitState initializedState(TunnelSplit split) {
        TunnelSplitState state = new TunnelSplitState(split);
        active.put(split.splitId(), state);
        return state;
    }

    @Override
    protected TunnelSplit toSplitType(String splitId, TunnelSplitState splitState) {
        return splitState.toSplit();
    }
}
