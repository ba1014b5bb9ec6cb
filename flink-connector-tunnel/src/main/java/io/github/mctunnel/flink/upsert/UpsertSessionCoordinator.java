package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.coordination.CoordinatorGatewayOperatorFactory.CoordinatorProviderFactory;
import io.github.mctunnel.flink.coordination.SingleThreadCoordinator;
import io.github.mctunnel.flink.sink.session.ServiceClock;
import io.github.mctunnel.flink.sink.session.SessionStatus;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.streaming.api.operators.collect.CollectCoordinationResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Runs the {@link UpsertSessionLifecycle} of an upsert sink on the JobManager: hands every writer
 * the one upsert session each partition currently takes changes in, so that one commit makes the
 * changes of all writers visible (a partition needs one commit per commit interval, whatever the
 * parallelism, as the vendor's connector shares sessions from its JobManager), replaces it when a
 * writer reports it committed or expired and before the end of its lifetime, follows failovers, and
 * refuses requests of failed execution attempts. All HTTP calls run on its own thread, never on the
 * JobManager's main thread. It keeps nothing in checkpoints (see the lifecycle).
 */
@Internal
final class UpsertSessionCoordinator extends SingleThreadCoordinator<UpsertSessionRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(UpsertSessionCoordinator.class);

    private final UpsertTableFactory tableFactory;
    private final int bucketCount;
    private final LongSupplier clock;
    private final UpsertSessionLifecycle lifecycle;
    private volatile int openSessions;
    private UpsertTable table;

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
        this.lifecycle = new UpsertSessionLifecycle(tableFactory.table(), new TableService());
    }

    /** The service as the lifecycle sees it, through the coordinator's table. */
    private final class TableService implements UpsertSessionLifecycle.UpsertService {
        @Override
        public String create(String partition) throws IOException {
            return table().createSession(PartitionSpec.parse(partition), bucketCount).id();
        }

        @Override
        public SessionStatus status(String partition, String sessionId) throws IOException {
            try {
                return SessionStatus.ofUpsert(
                        table().attachSession(PartitionSpec.parse(partition), sessionId).status());
            } catch (TunnelException e) {
                if (UpsertSessions.isUnknown(e)) {
                    return SessionStatus.GONE;
                }
                throw e;
            }
        }
    }

    private UpsertTable table() {
        if (table == null) {
            table = tableFactory.open(); // start() could not open it
        }
        return table;
    }

    /** Registers the coordinator's metrics: {@code openSessions}, as far as it knows them. */
    void registerMetrics(MetricGroup group) {
        group.gauge("openSessions", (Gauge<Integer>) () -> openSessions);
    }

    private void published() {
        openSessions = lifecycle.openSessions(clock.getAsLong());
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
        String id =
                lifecycle.session(
                        r.partition(), r.replaced(), r.subtask(), r.attempt(), clock.getAsLong());
        published();
        return new CollectCoordinationResponse(id, 0, List.of());
    }

    @Override
    protected RuntimeException failure(UpsertSessionRequest r, Exception e) {
        return new IllegalStateException(
                "Upsert session for table "
                        + tableFactory.table()
                        + (r.partition().isEmpty() ? "" : " partition " + r.partition())
                        + " could not be handed out: "
                        + e.getMessage(),
                e);
    }

    /** Sessions created so far (for tests). */
    long sessionsCreated() throws Exception {
        return call(lifecycle::sessionsCreated);
    }

    /** Tracked sessions by state (for tests). */
    Map<String, Integer> sessionCounts() throws Exception {
        return call(lifecycle::counts);
    }

    @Override
    public void checkpointCoordinator(long checkpointId, CompletableFuture<byte[]> result) {
        // nothing to keep: restored writers hand their sessions to the committer
        result.complete(new byte[0]);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        execute(
                () -> {
                    lifecycle.checkpointComplete(checkpointId, clock.getAsLong());
                    published();
                });
    }

    @Override
    public void resetToCheckpoint(long checkpointId, byte[] checkpointData) {
        execute(
                () -> {
                    lifecycle.resetTo(checkpointId);
                    published();
                });
    }

    @Override
    public void subtaskReset(int subtask, long checkpointId) {
        execute(() -> lifecycle.subtaskReset(subtask, checkpointId));
    }

    @Override
    public void executionAttemptFailed(int subtask, int attemptNumber, Throwable reason) {
        execute(() -> lifecycle.attemptFailed(subtask, attemptNumber));
    }

    @Override
    public void executionAttemptReady(int subtask, int attemptNumber, SubtaskGateway gateway) {
        execute(() -> lifecycle.attemptReady(subtask, attemptNumber));
    }

    /** Makes the provider of the coordinator of an upsert sink. */
    static final class Factory implements CoordinatorProviderFactory {
        private static final long serialVersionUID = 1L;
        private final UpsertTableFactory tableFactory;
        private final int bucketCount;
        private final ServiceClock clock;

        Factory(UpsertTableFactory tableFactory, int bucketCount, ServiceClock clock) {
            this.tableFactory = tableFactory;
            this.bucketCount = bucketCount;
            this.clock = clock;
        }

        @Override
        public OperatorCoordinator.Provider create(String operatorName, OperatorID operatorId) {
            return new Provider(operatorId, operatorName, tableFactory, bucketCount, clock);
        }
    }

    /** Creates the coordinator on the JobManager. */
    static final class Provider implements OperatorCoordinator.Provider {
        private static final long serialVersionUID = 1L;
        private final OperatorID operatorId;
        private final String operatorName;
        private final UpsertTableFactory tableFactory;
        private final int bucketCount;
        private final ServiceClock clock;

        Provider(
                OperatorID operatorId,
                String operatorName,
                UpsertTableFactory tableFactory,
                int bucketCount,
                ServiceClock clock) {
            this.operatorId = operatorId;
            this.operatorName = operatorName;
            this.tableFactory = tableFactory;
            this.bucketCount = bucketCount;
            this.clock = clock;
        }

        @Override
        public OperatorID getOperatorId() {
            return operatorId;
        }

        @Override
        public OperatorCoordinator create(Context context) {
            UpsertSessionCoordinator coordinator =
                    new UpsertSessionCoordinator(
                            operatorName, tableFactory, bucketCount, clock::millis);
            coordinator.registerMetrics(context.metricGroup());
            return coordinator;
        }
    }
}
