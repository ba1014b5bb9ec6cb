package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.flink.client.SharedTunnelClients;
import io.github.mctunnel.flink.client.TunnelClientLease;
import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.coordination.SingleThreadCoordinator;
import io.github.mctunnel.flink.sink.session.SessionStatus;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The one place where upload sessions of an exactly-once sink are created and tracked: the
 * JobManager-side owner of the {@link SessionLifecycle} of every session of the table. It maps
 * (partition, epoch) to a session shared by all writers and hands each writer its block range,
 * paced inside the table's session-creation and concurrent-session budgets; it follows checkpoints
 * (completed sessions are committing, then forgotten), regional failovers ({@link #subtaskReset})
 * and global failovers ({@link #resetToCheckpoint}), fencing the sessions of failed attempts. All
 * state changes and HTTP calls run on one thread of its own, never on the JobManager's main thread.
 */
@Internal
final class SessionCoordinator extends SingleThreadCoordinator<SessionRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(SessionCoordinator.class);

    private final LongSupplier clock;
    private final TunnelConnectionOptions connection;
    private final String table;
    private final boolean overwrite;
    private final SessionLifecycle lifecycle;
    private final java.util.function.Consumer<Throwable> failJob;

    private final java.util.Set<String> createdPartitions = new java.util.HashSet<>();
    private volatile int openSessions;
    private TunnelClientLease lease;
    private TunnelClient client;
    private TableIdentifier tableId;

    /**
     * @param overwrite create overwrite sessions (INSERT OVERWRITE); spares are then abandoned to
     *     expire instead of being committed empty
     * @param partitionsSetting the setting that limits the partitions per epoch, named in errors
     * @param clock wall clock in milliseconds for budgets and session ages
     */
    SessionCoordinator(
            String operatorName,
            TunnelConnectionOptions connection,
            String table,
            TableWriteLimits limits,
            int maxPartitionsPerEpoch,
            boolean overwrite,
            String partitionsSetting,
            LongSupplier clock) {
        this(
                operatorName,
                connection,
                table,
                limits,
                maxPartitionsPerEpoch,
                overwrite,
                partitionsSetting,
                clock,
                t -> {});
    }

    /**
     * @param failJob fails the job (the coordinator context's), for failures outside requests
     */
    SessionCoordinator(
            String operatorName,
            TunnelConnectionOptions connection,
            String table,
            TableWriteLimits limits,
            int maxPartitionsPerEpoch,
            boolean overwrite,
            String partitionsSetting,
            LongSupplier clock,
            java.util.function.Consumer<Throwable> failJob) {
        super(operatorName, "tunnel-session-coordinator-" + table, SessionRequest.class);
        this.failJob = failJob;
        this.clock = clock;
        this.overwrite = overwrite;
        this.connection = connection;
        this.table = table;
        this.lifecycle =
                new SessionLifecycle(
                        table,
                        new ClientSessionService(),
                        limits,
                        maxPartitionsPerEpoch,
                        partitionsSetting,
                        overwrite);
    }

    /** The service as the lifecycle sees it, through the coordinator's client. */
    private final class ClientSessionService implements SessionLifecycle.SessionService {
        @Override
        public String create(String partition) throws IOException {
            PartitionSpec spec = PartitionSpec.parse(partition);
            if (!spec.isEmpty() && !createdPartitions.contains(partition)) {
                client.meta().createPartition(tableId, spec, true);
                if (createdPartitions.size() >= 1024) {
                    createdPartitions.clear(); // only saves requests: keep it small
                }
                createdPartitions.add(partition);
            }
            try {
                return client.createUploadSession(tableId, spec, overwrite).id();
            } catch (TunnelException e) {
                if (e.hasErrorCode("FlowExceeded")) {
                    LOG.warn(
                            "The service refused a new upload session of table {} (its limit of"
                                    + " open sessions); asking again shortly: {}",
                            table,
                            e.getMessage());
                    return null;
                }
                throw e;
            }
        }

        @Override
        public SessionStatus status(String partition, String sessionId) throws IOException {
            try {
                return SessionStatus.ofUpload(attach(partition, sessionId).status());
            } catch (TunnelException e) {
                if (UploadSessions.isUnknownSession(e)) {
                    return SessionStatus.GONE;
                }
                throw e;
            }
        }

        @Override
        public void closeEmpty(String partition, String sessionId) throws IOException {
            UploadSession s = attach(partition, sessionId);
            if (!UploadSessions.isCommitted(s)) {
                List<Long> blocks = s.blockList();
                UploadSessions.empty(s, blocks);
                s.commit(blocks);
            }
        }

        private UploadSession attach(String partition, String sessionId) throws IOException {
            return client.attachUploadSession(tableId, PartitionSpec.parse(partition), sessionId);
        }
    }

    /** Registers the coordinator's metrics: {@code openSessions}, as far as it knows them. */
    void registerMetrics(org.apache.flink.metrics.MetricGroup group) {
        group.gauge("openSessions", (org.apache.flink.metrics.Gauge<Integer>) () -> openSessions);
    }

    private void published() {
        openSessions = lifecycle.openSessions(clock.getAsLong());
    }

    @Override
    public void start() throws Exception {
        call(
                () -> {
                    lease = SharedTunnelClients.jvm().acquire(connection);
                    client = lease.client();
                    tableId = client.table(table);
                    return null;
                });
    }

    @Override
    protected void release() {
        if (lease != null) {
            client = null;
            lease.close();
        }
    }

    @Override
    protected CoordinationResponse answer(SessionRequest r) throws IOException {
        SessionLifecycle.Grant grant =
                lifecycle.grant(
                        r.partition(),
                        r.epoch(),
                        r.subtask(),
                        r.parallelism(),
                        r.attempt(),
                        clock.getAsLong());
        published();
        return SessionResponse.of(grant).toCoordinationResponse();
    }

    @Override
    protected RuntimeException failure(SessionRequest r, Exception e) {
        if (e instanceof SessionLifecycle.FatalSessionException) {
            failJob.accept(e);
        }
        return new IllegalStateException(
                "Upload session for table "
                        + table
                        + (r.partition().isEmpty() ? "" : " partition " + r.partition())
                        + " could not be created: "
                        + e.getMessage(),
                e);
    }

    @Override
    public void checkpointCoordinator(long checkpointId, CompletableFuture<byte[]> result) {
        execute(
                () -> {
                    try {
                        result.complete(lifecycle.snapshot());
                    } catch (Throwable t) {
                        result.completeExceptionally(t);
                    }
                });
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        execute(
                () -> {
                    lifecycle.checkpointComplete(checkpointId, clock.getAsLong());
                    published();
                });
    }

    /**
     * Runs on the coordinator's thread without blocking the JobManager's main thread (the thread
     * may be inside HTTP calls); requests that follow are served after it, in order. A failure
     * fails the job.
     */
    @Override
    public void resetToCheckpoint(long checkpointId, byte[] checkpointData) {
        execute(
                () -> {
                    try {
                        if (lifecycle.isEmpty()) {
                            // a new coordinator (e.g. after a JobManager failover): take the state
                            lifecycle.restore(checkpointData, checkpointId, clock.getAsLong());
                        }
                        lifecycle.resetTo(checkpointId);
                        published();
                    } catch (Throwable t) {
                        LOG.error(
                                "{} could not restore checkpoint {}",
                                operatorName,
                                checkpointId,
                                t);
                        failJob.accept(t);
                    }
                });
    }

    @Override
    public void subtaskReset(int subtask, long checkpointId) {
        LOG.info("{}: subtask {} reset to checkpoint {}", operatorName, subtask, checkpointId);
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

    /** Sessions the coordinator counts as open (for tests). */
    List<String> openSessionIds() throws Exception {
        return call(lifecycle::openSessionIds);
    }

    /** Tracked sessions by state (for tests). */
    java.util.Map<String, Integer> sessionCounts() throws Exception {
        return call(lifecycle::counts);
    }

    /** Creates the coordinator on the JobManager. */
    static final class Provider implements OperatorCoordinator.Provider {
        private static final long serialVersionUID = 1L;

        private final OperatorID operatorId;
        private final String operatorName;
        private final TunnelConnectionOptions connection;
        private final String table;
        private final TableWriteLimits limits;
        private final int maxPartitionsPerEpoch;
        private final boolean overwrite;
        private final String partitionsSetting;

        Provider(
                OperatorID operatorId,
                String operatorName,
                TunnelConnectionOptions connection,
                String table,
                TableWriteLimits limits,
                int maxPartitionsPerEpoch,
                boolean overwrite,
                String partitionsSetting) {
            this.overwrite = overwrite;
            this.partitionsSetting = partitionsSetting;
            this.operatorId = operatorId;
            this.operatorName = operatorName;
            this.connection = connection;
            this.table = table;
            this.limits = limits;
            this.maxPartitionsPerEpoch = maxPartitionsPerEpoch;
        }

        @Override
        public OperatorID getOperatorId() {
            return operatorId;
        }

        @Override
        public OperatorCoordinator create(Context context) {
            SessionCoordinator coordinator =
                    new SessionCoordinator(
                            operatorName,
                            connection,
                            table,
                            limits,
                            maxPartitionsPerEpoch,
                            overwrite,
                            partitionsSetting,
                            System::currentTimeMillis,
                            context::failJob);
            coordinator.registerMetrics(context.metricGroup());
            return coordinator;
        }
    }
}
