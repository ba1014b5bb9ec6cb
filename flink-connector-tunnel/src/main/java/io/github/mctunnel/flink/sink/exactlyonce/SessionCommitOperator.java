package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.jobgraph.JobType;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.List;

/**
 * The global committer of the exactly-once sink (parallelism 1), placed directly behind the writers
 * (pre-commit topology). The writers' committables of epoch {@code c} reach it before barrier
 * {@code c}; when checkpoint {@code c} completes, every session of the epochs up to {@code c} is
 * committed once. Pending committables are part of the operator state; after a restore from
 * checkpoint {@code r} those up to {@code r} are committed again, which is idempotent.
 *
 * <p>Why not Flink's global committer behind the per-subtask committers: those pass committables on
 * only after the checkpoint completed, so the committables of a bounded input's last epoch are
 * emitted after the final checkpoint, when the downstream task may already have finished; and a
 * global committer that waits for every subtask's summary of an epoch never commits the epochs
 * after the first writer subtask finished. Here the last epoch's committables arrive before the
 * final checkpoint's barrier, and that checkpoint's completion commits them.
 */
@Internal
public final class SessionCommitOperator
        extends AbstractStreamOperator<CommittableMessage<BlockCommittable>>
        implements OneInputStreamOperator<
                        CommittableMessage<BlockCommittable>, CommittableMessage<BlockCommittable>>,
                BoundedOneInput {

    private static final long serialVersionUID = 1L;

    private final TunnelConnectionOptions connection;
    private final String table;
    private final TableWriteLimits limits;
    private final boolean checkpointing;

    /** A session the service no longer knows at its commit fails the job instead of a warning. */
    private final boolean failOnExpiredSessions;

    /**
     * INSERT OVERWRITE: the sessions are overwrite sessions; with {@link #overwrittenPartition}
     * set, an input without rows replaces that partition (or the non-partitioned table) by nothing.
     */
    private final boolean overwrite;

    /** The static partition ("" for a non-partitioned table) of an INSERT OVERWRITE, or null. */
    private final String overwrittenPartition;

    private transient EpochLedger ledger;
    private transient boolean sawCommittables;
    private transient BlockCommittableSerializer serializer;
    private transient ListState<byte[]> state;
    private transient SessionCommitter committer;

    /**
     * @param checkpointing whether the job checkpoints; without checkpoints everything is committed
     *     at the end of the input
     */
    public SessionCommitOperator(
            TunnelConnectionOptions connection,
            String table,
            TableWriteLimits limits,
            boolean checkpointing) {
        this(connection, table, limits, checkpointing, false, null, false);
    }

    /**
     * An INSERT OVERWRITE (batch execution: one epoch, committed at the end of the input).
     *
     * @param overwrite the writers write overwrite sessions: a session without rows is never
     *     committed
     * @param overwrittenPartition the static partition of the INSERT OVERWRITE ("" for a
     *     non-partitioned table) that is replaced by an empty one when the input has no rows, or
     *     null (dynamic partitions: only partitions that receive rows are replaced)
     * @param failOnExpiredSessions a session the service no longer knows when it is committed (a
     *     restore after its 24 h lifetime) fails the job instead of being logged and counted
     */
    public SessionCommitOperator(
            TunnelConnectionOptions connection,
            String table,
            TableWriteLimits limits,
            boolean checkpointing,
            boolean overwrite,
            String overwrittenPartition,
            boolean failOnExpiredSessions) {
        this.failOnExpiredSessions = failOnExpiredSessions;
        this.overwrite = overwrite;
        this.overwrittenPartition = overwrittenPartition;
        this.connection = connection;
        this.table = table;
        this.limits = limits;
        this.checkpointing = checkpointing;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        ledger = new EpochLedger();
        serializer = new BlockCommittableSerializer();
        MetricGroup metrics = getMetricGroup();
        committer =
                new SessionCommitter(
                        connection,
                        table,
                        limits,
                        metrics.counter("sessionsCommitted"),
                        metrics.counter("rowsCommitted"),
                        overwrite,
                        failOnExpiredSessions,
                        metrics.counter("expiredSessions"),
                        metrics.counter("rowsOfExpiredSessions"));
        metrics.gauge("pendingEpochs", () -> ledger.pendingEpochCount());
        state =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "tunnel-session-commits",
                                        BytePrimitiveArraySerializer.INSTANCE));
        for (byte[] bytes : state.get()) {
            ledger.restore(bytes, serializer);
        }
        if (context.getRestoredCheckpointId().isPresent()) {
            // the state holds only epochs up to the restored checkpoint, which completed
            commitUpTo(context.getRestoredCheckpointId().getAsLong());
        }
    }

    @Override
    public void processElement(StreamRecord<CommittableMessage<BlockCommittable>> element) {
        if (element.getValue() instanceof CommittableWithLineage<BlockCommittable> c) {
            ledger.add(c.getCheckpointIdOrEOI(), c.getCommittable());
            sawCommittables = true;
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        commitUpTo(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        // BATCH execution turns checkpointing off even when an interval is configured
        if (!checkpointing || getContainingTask().getEnvironment().getJobType() == JobType.BATCH) {
            // no checkpoint will complete: the input is over, so all of it is final
            commitUpTo(Long.MAX_VALUE);
            if (overwrite && overwrittenPartition != null && !sawCommittables) {
                committer.replaceByEmpty(overwrittenPartition);
            }
        }
        // otherwise the final checkpoint after the end of the input commits the last epoch
    }

    /** Commits every epoch up to the checkpoint together (see {@link EpochLedger#takeDueUpTo}). */
    private void commitUpTo(long checkpointId) throws Exception {
        List<BlockCommittable> due = ledger.takeDueUpTo(checkpointId);
        if (!due.isEmpty()) {
            committer.commit(due);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        state.update(List.of(ledger.serialize(serializer)));
    }

    @Override
    public void close() throws Exception {
        try {
            if (committer != null) {
                committer.close();
            }
        } finally {
            super.close();
        }
    }
}
