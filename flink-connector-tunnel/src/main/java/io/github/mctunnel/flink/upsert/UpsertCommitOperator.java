package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.http.Sleeper;
import io.github.mctunnel.flink.sink.session.UnknownSessions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one place where the upsert sink commits (parallelism 1, directly behind the writers): the
 * writers' sessions of checkpoint {@code c} reach it before barrier {@code c}, and when checkpoint
 * {@code c} completes it commits, per partition, at most one session per commit interval ({@link
 * UpsertSessionCommitter}). Since every commit of the job goes through this single operator and its
 * own {@link UpsertCommitPacer}, the pacing holds however the writers are spread over TaskManagers.
 *
 * <p>Sessions offered for the last time (their writer's input ended) are kept, also in the operator
 * state, until committed; once this operator's input ended too, the checkpoint after that (Flink's
 * final checkpoint) commits all of them, waiting for the commit interval where a partition has
 * several. Other sessions not committed are not kept: their writers offer them again. It emits
 * nothing, so the per-subtask committers ({@link UpsertPassThroughCommitter}) have nothing to do.
 *
 * <p>Why not Flink's global committer behind the per-subtask committers: those pass committables on
 * only after the checkpoint completed, so the sessions a bounded input offers last reach it after
 * the final checkpoint, when it may already have finished.
 */
@Internal
final class UpsertCommitOperator
        extends AbstractStreamOperator<CommittableMessage<UpsertSessionRef>>
        implements OneInputStreamOperator<
                        CommittableMessage<UpsertSessionRef>, CommittableMessage<UpsertSessionRef>>,
                BoundedOneInput {

    private static final long serialVersionUID = 1L;
    private static final int STATE_VERSION = 1;

    private final UpsertTableFactory tableFactory;
    private final Duration commitInterval;
    private final boolean checkpointing;
    private final boolean failOnExpiredSessions;

    /** Sessions by the checkpoint they were offered at, until it completes. */
    private transient TreeMap<Long, List<UpsertSessionRef>> epochs;

    private transient UpsertSessionCommitter committer;
    private transient UpsertSessionRefSerializer serializer;
    private transient ListState<byte[]> state;
    private transient boolean inputEnded;

    /** The id of a stop-with-savepoint in progress (a synchronous savepoint), or -1. */
    private transient long stoppingAt = -1;

    /**
     * @param checkpointing whether the job checkpoints; without checkpoints everything is committed
     *     at the end of the input
     * @param failOnExpiredSessions a session the service no longer knows fails the job instead of
     *     being logged and counted ({@code expiredSessions}, {@code changesOfExpiredSessions})
     */
    UpsertCommitOperator(
            UpsertTableFactory tableFactory,
            Duration commitInterval,
            boolean checkpointing,
            boolean failOnExpiredSessions) {
        this.failOnExpiredSessions = failOnExpiredSessions;
        this.tableFactory = tableFactory;
        this.commitInterval = commitInterval;
        this.checkpointing = checkpointing;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        epochs = new TreeMap<>();
        serializer = new UpsertSessionRefSerializer();
        UpsertTable table = tableFactory.open();
        committer =
                new UpsertSessionCommitter(
                        table,
                        new UpsertCommitPacer(
                                commitInterval, System::currentTimeMillis, Sleeper.SYSTEM),
                        System::currentTimeMillis,
                        new UnknownSessions(
                                "upsert",
                                table.name(),
                                failOnExpiredSessions,
                                getMetricGroup().counter("expiredSessions"),
                                getMetricGroup().counter("changesOfExpiredSessions")));
        getMetricGroup().gauge("pendingKeptSessions", () -> committer.pendingKeptCount());
        getMetricGroup().gauge("sessionsCommitted", () -> committer.sessionsCommitted());
        state =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "tunnel-upsert-commits",
                                        BytePrimitiveArraySerializer.INSTANCE));
        for (byte[] bytes : state.get()) {
            // the writers restored from this checkpoint offer their open sessions again; only
            // the last and the handed-over sessions must be kept here
            for (UpsertSessionRef ref : deserialize(bytes)) {
                if (ref.kept()) {
                    committer.restoreKept(ref, context.getRestoredCheckpointId().orElse(-1));
                }
            }
        }
    }

    @Override
    public void processElement(StreamRecord<CommittableMessage<UpsertSessionRef>> element) {
        if (element.getValue() instanceof CommittableWithLineage<UpsertSessionRef> c) {
            epochs.computeIfAbsent(c.getCheckpointIdOrEOI(), id -> new ArrayList<>())
                    .add(c.getCommittable());
        }
    }

    /**
     * Notes a stop-with-savepoint: the job ends after it, and its sessions must not wait, maybe for
     * days, for a restore to commit them (an upsert session expires after 24 hours).
     */
    @Override
    public org.apache.flink.streaming.api.operators.OperatorSnapshotFutures snapshotState(
            long checkpointId,
            long timestamp,
            org.apache.flink.runtime.checkpoint.CheckpointOptions options,
            org.apache.flink.runtime.state.CheckpointStreamFactory factory)
            throws Exception {
        if (options.getCheckpointType() instanceof SavepointType savepoint
                && savepoint.isSynchronous()) {
            stoppingAt = checkpointId;
        }
        return super.snapshotState(checkpointId, timestamp, options, factory);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        if (checkpointId == stoppingAt) {
            // the job stops with this savepoint (Flink waits for this call before the tasks end):
            // commit every session, waiting for the commit interval where needed
            Map<Long, List<UpsertSessionRef>> head = epochs.headMap(checkpointId, true);
            Map<Long, List<UpsertSessionRef>> last = new TreeMap<>();
            head.forEach(
                    (id, list) ->
                            last.put(id, list.stream().map(UpsertSessionRef::asLast).toList()));
            head.clear();
            committer.commitDue(last);
            committer.commitAllLast();
            return;
        }
        commitUpTo(checkpointId);
        if (inputEnded) {
            committer.commitAllLast();
        }
    }

    @Override
    public void endInput() throws Exception {
        inputEnded = true;
        if (!checkpointing) {
            // no checkpoint will complete: the input is over, so all of it is final
            commitUpTo(Long.MAX_VALUE);
            committer.commitAllLast();
        }
        // otherwise the final checkpoint after the end of the input commits the last sessions
    }

    private void commitUpTo(long checkpointId) {
        Map<Long, List<UpsertSessionRef>> head = epochs.headMap(checkpointId, true);
        Map<Long, List<UpsertSessionRef>> due = new TreeMap<>(head);
        head.clear();
        committer.commitDue(due);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<UpsertSessionRef> kept = new ArrayList<>(committer.pendingKept());
        for (List<UpsertSessionRef> refs : epochs.values()) {
            for (UpsertSessionRef ref : refs) {
                if (ref.kept()) {
                    kept.add(ref);
                }
            }
        }
        state.update(List.of(serialize(kept)));
    }

    private byte[] serialize(List<UpsertSessionRef> refs) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(STATE_VERSION);
            out.writeInt(serializer.getVersion());
            out.writeInt(refs.size());
            for (UpsertSessionRef ref : refs) {
                byte[] b = serializer.serialize(ref);
                out.writeInt(b.length);
                out.write(b);
            }
        }
        return bytes.toByteArray();
    }

    private List<UpsertSessionRef> deserialize(byte[] data) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readInt();
            if (version != STATE_VERSION) {
                throw new IOException(
                        "Unknown version "
                                + version
                                + " of the Tunnel upsert committer state (this connector reads "
                                + STATE_VERSION
                                + ")");
            }
            int refVersion = in.readInt();
            List<UpsertSessionRef> refs = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                refs.add(serializer.deserialize(refVersion, b));
            }
            return refs;
        }
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
