package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.coordination.CoordinatorGatewayOperatorFactory.CoordinatorProviderFactory;
import io.github.mctunnel.flink.coordination.SingleThreadCoordinator;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.streaming.api.operators.collect.CollectCoordinationResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Hands every writer of an upsert sink the one upsert session each partition currently takes
 * changes in, so that one commit makes the changes of all writers visible: a partition needs one
 * commit per commit interval, whatever the parallelism (as the vendor's connector shares sessions
 * from its JobManager). A session is replaced when a writer reports it committed or expired (the
 * first such report creates the next one; later reports of the same session get that one), and
 * before it is older than the session lifetime minus an hour.
 *
 * <p>It keeps no state in checkpoints: after a global failover or a JobManager failover the writers
 * hand the sessions of their restored state to the committer, and the coordinator starts new ones;
 * after a regional failover the restarted writers go on in the current sessions. All HTTP calls run
 * on its own thread, never on the JobManager's main thread.
 */
@Internal
final class UpsertSessionCoordinator extends SingleThreadCoordinator<UpsertSessionRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(UpsertSessionCoordinator.class);

    /** A session is not handed out beyond this age (the service's lifetime is 24 hours). */
    static final long MAX_SESSION_AGE_MILLIS = 23L * 3600 * 1000;

    private final UpsertTableFactory tableFactory;
    private final int bucketCount;
    private final LongSupplier clock;
    private final Map<String, Current> current = new HashMap<>();
    private UpsertTable table;
    private long sessionsCreated;

    private record Current(String id, long createdAt) {}

    UpsertSessionCoordinator(
            String operatorName,
            UpsertTableFactory tableFactory,
            int bucketCount,
            LongSupplier clock) {
        super(
                operatorName,
                "tunnel-upsert-coordinator-" + tableFactory.table(),
                UpsertSessionRequest.class);
        this.tableFactory = tableFactory;
        this.bucketCount = bucketCount;
        this.clock = clock;
    }

    @Override
    public void start() {
        execute(
                () -> {
                    try {
                        table = tableFactory.open();
                    } catch (RuntimeException e) {
                        LOG.warn(
                                "Could not open table {}; retried at the first request",
                                tableFactory.table(),
                                e);
                    }
                });
    }

    @Override
    protected void release() {
        if (table != null) {
            table.close();
            table = null;
        }
    }

    @Override
    protected CoordinationResponse answer(UpsertSessionRequest r) throws Exception {
        return new CollectCoordinationResponse(session(r.partition(), r.replaced()), 0, List.of());
    }

    @Override
    protected RuntimeException failure(UpsertSessionRequest r, Exception e) {
        return new IllegalStateException(
                "Upsert session for table "
                        + tableFactory.table()
                        + (r.partition().isEmpty() ? "" : " partition " + r.partition())
                        + " could not be created: "
                        + e.getMessage(),
                e);
    }

    /** The partition's current session, replacing {@code replaced} or an old one. */
    String session(String partition, String replaced) throws Exception {
        long now = clock.getAsLong();
        if (table == null) {
            table = tableFactory.open(); // start() could not open it
        }
        // partitions not asked for within a session's age are forgotten (hourly partitions)
        current.values().removeIf(c -> now - c.createdAt() >= MAX_SESSION_AGE_MILLIS);
        Current c = current.get(partition);
        if (c == null || c.id().equals(replaced) || now - c.createdAt() >= MAX_SESSION_AGE_MILLIS) {
            String id = table.createSession(PartitionSpec.parse(partition), bucketCount).id();
            sessionsCreated++;
            LOG.info(
                    "Upsert session {} of table {}{} shared by all writers{}",
                    id,
                    tableFactory.table(),
                    partition.isEmpty() ? "" : " partition " + partition,
                    c == null ? "" : " (replaces " + c.id() + ")");
            c = new Current(id, now);
            current.put(partition, c);
        }
        return c.id();
    }

    /** Sessions created so far (for tests). */
    long sessionsCreated() throws Exception {
        return call(() -> sessionsCreated);
    }

    @Override
    public void checkpointCoordinator(long checkpointId, CompletableFuture<byte[]> result) {
        // nothing to keep: restored writers hand their sessions to the committer
        result.complete(new byte[0]);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {}

    @Override
    public void resetToCheckpoint(long checkpointId, byte[] checkpointData) {
        execute(current::clear);
    }

    /**
     * A region restarts. Its writers go on in the partition's current session: after the changes
     * the failed attempt flushed there, so their order within the session puts the replay last
     * (BATCH: the other writers' regions still write it; a new session could be committed before it
     * and let the failed attempt's older changes win).
     */
    @Override
    public void subtaskReset(int subtask, long checkpointId) {}

    @Override
    public void executionAttemptFailed(int subtask, int attemptNumber, Throwable reason) {}

    @Override
    public void executionAttemptReady(int subtask, int attemptNumber, SubtaskGateway gateway) {}

    /** Makes the provider of the coordinator of an upsert sink. */
    static final class Factory implements CoordinatorProviderFactory {
        private static final long serialVersionUID = 1L;
        private final UpsertTableFactory tableFactory;
        private final int bucketCount;

        Factory(UpsertTableFactory tableFactory, int bucketCount) {
            this.tableFactory = tableFactory;
            this.bucketCount = bucketCount;
        }

        @Override
        public OperatorCoordinator.Provider create(String operatorName, OperatorID operatorId) {
            return new Provider(operatorId, operatorName, tableFactory, bucketCount);
        }
    }

    /** Creates the coordinator on the JobManager. */
    static final class Provider implements OperatorCoordinator.Provider {
        private static final long serialVersionUID = 1L;
        private final OperatorID operatorId;
        private final String operatorName;
        private final UpsertTableFactory tableFactory;
        private final int bucketCount;

        Provider(
                OperatorID operatorId,
                String operatorName,
                UpsertTableFactory tableFactory,
                int bucketCount) {
            this.operatorId = operatorId;
            this.operatorName = operatorName;
            this.tableFactory = tableFactory;
            this.bucketCount = bucketCount;
        }

        @Override
        public OperatorID getOperatorId() {
            return operatorId;
        }

        @Override
        public OperatorCoordinator create(Context context) {
            return new UpsertSessionCoordinator(
                    operatorName, tableFactory, bucketCount, System::currentTimeMillis);
        }
    }
}
