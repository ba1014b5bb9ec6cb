package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.flink.client.SharedTunnelClients;
import io.github.mctunnel.flink.client.TunnelClientLease;
import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.operators.coordination.CoordinationRequest;
import org.apache.flink.runtime.operators.coordination.CoordinationRequestHandler;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;
import org.apache.flink.runtime.operators.coordination.OperatorCoordinator;
import org.apache.flink.runtime.operators.coordination.OperatorEvent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

/**
 * The one place where upload sessions of an exactly-once sink are created: maps (partition, epoch)
 * to a session shared by all writers, paced inside the table's session-creation and
 * concurrent-session budgets.
 *
 * <p>Bookkeeping: a session handed out for (partition, epoch) is "used" once a writer asked for it
 * (a writer asks only when it writes a block at the checkpoint closing that epoch). When checkpoint
 * c completes, used sessions of epochs up to c are being committed by the global committer; unused
 * ones (asked for by an attempt that failed) become spares that the next epoch of their partition
 * reuses, so open sessions do not grow across failovers. On a reset to checkpoint r, sessions of
 * epochs after r lose their "used" mark (that attempt's blocks are emptied by the committer) and
 * are reused by the same epoch. All state changes run on one thread; HTTP calls never run on the
 * JobManager's main thread.
 */
@Internal
final class SessionCoordinator implements OperatorCoordinator, CoordinationRequestHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SessionCoordinator.class);
    private static final long FIVE_MINUTES = 300_000;
    private static final long BUDGET_RETRY_MILLIS = 500;

    private final LongSupplier clock;
    private final String operatorName;
    private final TunnelConnectionOptions connection;
    private final String table;
    private final TableWriteLimits limits;
    private final int maxPartitionsPerEpoch;

    /** The setting that limits the partitions per epoch, as error messages name it. */
    private final String partitionsSetting;

    /**
     * Sessions are created with {@code overwrite=true} (INSERT OVERWRITE): a spare session is then
     * never committed, since committing it empty would wipe its partition.
     */
    private final boolean overwrite;

    private final ExecutorService executor;
    private final SlidingWindowBudget creations;

    private final Map<String, Assignment> assignments = new LinkedHashMap<>();
    private final Map<String, ArrayDeque<String>> spares = new HashMap<>();
    private final Map<String, String> committing = new LinkedHashMap<>();
    private final java.util.Set<String> createdPartitions = new java.util.HashSet<>();
    private TunnelClientLease lease;
    private TunnelClient client;
    private TableIdentifier tableId;

    private static final class Assignment {
        final String partition;
        final long epoch;
        final String sessionId;
        boolean used;

        Assignment(String partition, long epoch, String sessionId, boolean used) {
            this.partition = partition;
            this.epoch = epoch;
            this.sessionId = sessionId;
            this.used = used;
        }
    }

    /**
     * @param overwrite create overwrite sessions (INSERT OVERWRITE); spares are then abandoned to
     *     expire instead of being committed empty
     * @param partitionsSetting the setting that limits the partitions per epoch, named in errors
     * @param clock wall clock in milliseconds for the session-creation budget
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
        this.partitionsSetting = partitionsSetting;
        this.clock = clock;
        this.overwrite = overwrite;
        this.operatorName = operatorName;
        this.connection = connection;
        this.table = table;
        this.limits = limits;
        this.maxPartitionsPerEpoch = maxPartitionsPerEpoch;
        this.creations = new SlidingWindowBudget(limits.sessionsPer5Minutes(), FIVE_MINUTES);
        this.executor =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "tunnel-session-coordinator-" + table);
                            t.setDaemon(true);
                            return t;
                        });
    }

    private static String key(String partition, long epoch) {
        return partition + '\u0000' + epoch;
    }

    @Override
    public void start() throws Exception {
        run(
                () -> {
                    lease = SharedTunnelClients.jvm().acquire(connection);
                    client = lease.client();
                    tableId = client.table(table);
                    return null;
                });
    }

    @Override
    public void close() throws Exception {
        try {
            run(
                    () -> {
                        if (lease != null) {
                            client = null;
                            lease.close();
                        }
                        return null;
                    });
        } finally {
            executor.shutdownNow();
        }
    }

    @Override
    public CompletableFuture<CoordinationResponse> handleCoordinationRequest(
            CoordinationRequest request) {
        if (!(request instanceof SessionRequest r)) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException(
                            operatorName + " got an unknown request " + request));
        }
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return resolve(r.partition(), r.epoch()).toCoordinationResponse();
                    } catch (IOException e) {
                        throw new IllegalStateException(
                                "Upload session for table "
                                        + table
                                        + (r.partition().isEmpty()
                                                ? ""
                                                : " partition " + r.partition())
                                        + " could not be created: "
                                        + e.getMessage(),
                                e);
                    }
                },
                executor);
    }

    private SessionResponse resolve(String partition, long epoch) throws IOException {
        Assignment a = assignments.get(key(partition, epoch));
        if (a != null) {
            a.used = true;
            return new SessionResponse(a.sessionId, 0);
        }
        long partitionsInEpoch =
                assignments.values().stream().filter(x -> x.epoch == epoch).count();
        if (partitionsInEpoch >= maxPartitionsPerEpoch) {
            throw new IOException(
                    "more than "
                            + maxPartitionsPerEpoch
                            + " partitions were written between two checkpoints; raise "
                            + partitionsSetting
                            + " (within the table's budgets) or route"
                            + " fewer partitions to the sink per checkpoint");
        }
        ArrayDeque<String> spare = spares.get(partition);
        String id;
        if (spare != null && !spare.isEmpty()) {
            id = spare.pollFirst();
            LOG.info("Reusing upload session {} of {} for epoch {}", id, partition, epoch);
        } else {
            long now = clock.getAsLong();
            long wait = creations.waitMillis(now);
            if (wait == 0 && openSessions() >= limits.concurrentSessions()) {
                freeSessions(partition);
                wait = openSessions() >= limits.concurrentSessions() ? BUDGET_RETRY_MILLIS : 0;
            }
            if (wait > 0) {
                return new SessionResponse(null, wait);
            }
            creations.record(now);
            PartitionSpec spec = PartitionSpec.parse(partition);
            if (!spec.isEmpty() && createdPartitions.add(partition)) {
                client.meta().createPartition(tableId, spec, true);
            }
            id = client.createUploadSession(tableId, spec, overwrite).id();
            LOG.info(
                    "Created {}upload session {} of {} for epoch {}",
                    overwrite ? "overwrite " : "",
                    id,
                    partition,
                    epoch);
        }
        assignments.put(key(partition, epoch), new Assignment(partition, epoch, id, true));
        return new SessionResponse(id, 0);
    }

    private int openSessions() {
        int n = assignments.size() + committing.size();
        for (ArrayDeque<String> s : spares.values()) {
            n += s.size();
        }
        return n;
    }

    /** Forgets committed sessions, then commits away (empty) spares of other partitions. */
    private void freeSessions(String partition) throws IOException {
        Iterator<Map.Entry<String, String>> it = committing.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, String> e = it.next();
            UploadSession s =
                    client.attachUploadSession(
                            tableId, PartitionSpec.parse(e.getValue()), e.getKey());
            if (UploadSessions.isCommitted(s)) {
                it.remove();
            }
        }
        for (Map.Entry<String, ArrayDeque<String>> e : spares.entrySet()) {
            if (openSessions() < limits.concurrentSessions()) {
                return;
            }
            if (e.getKey().equals(partition)) {
                continue;
            }
            while (!e.getValue().isEmpty() && openSessions() >= limits.concurrentSessions()) {
                String id = e.getValue().pollFirst();
                if (overwrite) {
                    // committed empty it would replace the partition by nothing: let it expire
                    LOG.info("Abandoned spare overwrite session {} of {}", id, e.getKey());
                    continue;
                }
                UploadSession s =
                        client.attachUploadSession(tableId, PartitionSpec.parse(e.getKey()), id);
                if (!UploadSessions.isCommitted(s)) {
                    List<Long> blocks = s.blockList();
                    UploadSessions.empty(s, blocks);
                    s.commit(blocks);
                }
                LOG.info("Closed spare upload session {} of {} (committed empty)", id, e.getKey());
            }
        }
    }

    @Override
    public void handleEventFromOperator(int subtask, int attemptNumber, OperatorEvent event) {
        LOG.warn("{} ignores unexpected event {} from subtask {}", operatorName, event, subtask);
    }

    @Override
    public void checkpointCoordinator(long checkpointId, CompletableFuture<byte[]> result) {
        executor.execute(
                () -> {
                    try {
                        result.complete(snapshot());
                    } catch (Throwable t) {
                        result.completeExceptionally(t);
                    }
                });
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        executor.execute(() -> retireEpochsUpTo(checkpointId));
    }

    /** Used sessions of epochs up to {@code checkpointId} are committing; unused are spares. */
    private void retireEpochsUpTo(long checkpointId) {
        Iterator<Assignment> it = assignments.values().iterator();
        while (it.hasNext()) {
            Assignment a = it.next();
            if (a.epoch > checkpointId) {
                continue;
            }
            it.remove();
            if (a.used) {
                committing.put(a.sessionId, a.partition);
            } else {
                spares.computeIfAbsent(a.partition, p -> new ArrayDeque<>()).addLast(a.sessionId);
            }
        }
    }

    @Override
    public void resetToCheckpoint(long checkpointId, byte[] checkpointData) throws Exception {
        run(
                () -> {
                    if (assignments.isEmpty() && committing.isEmpty() && spares.isEmpty()) {
                        // a new coordinator (e.g. after a JobManager failover): take the state
                        restore(checkpointData);
                    }
                    retireEpochsUpTo(checkpointId);
                    for (Assignment a : assignments.values()) {
                        a.used = false;
                    }
                    return null;
                });
    }

    @Override
    public void subtaskReset(int subtask, long checkpointId) {
        LOG.info("{}: subtask {} reset to checkpoint {}", operatorName, subtask, checkpointId);
    }

    @Override
    public void executionAttemptFailed(int subtask, int attemptNumber, Throwable reason) {}

    @Override
    public void executionAttemptReady(int subtask, int attemptNumber, SubtaskGateway gateway) {}

    private byte[] snapshot() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(1);
            out.writeInt(assignments.size());
            for (Assignment a : assignments.values()) {
                out.writeUTF(a.partition);
                out.writeLong(a.epoch);
                out.writeUTF(a.sessionId);
            }
            out.writeInt(spares.size());
            for (Map.Entry<String, ArrayDeque<String>> e : spares.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().size());
                for (String id : e.getValue()) {
                    out.writeUTF(id);
                }
            }
            out.writeInt(committing.size());
            for (Map.Entry<String, String> e : committing.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        }
        return bytes.toByteArray();
    }

    private void restore(byte[] data) throws IOException {
        if (data == null || data.length == 0) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readInt();
            if (version != 1) {
                throw new IOException(
                        "Unknown version " + version + " of the Tunnel session coordinator state");
            }
            for (int i = in.readInt(); i > 0; i--) {
                String partition = in.readUTF();
                long epoch = in.readLong();
                String id = in.readUTF();
                // conservatively used: the restored checkpoint may hold committables for it
                assignments.put(key(partition, epoch), new Assignment(partition, epoch, id, true));
            }
            for (int i = in.readInt(); i > 0; i--) {
                String partition = in.readUTF();
                ArrayDeque<String> ids = new ArrayDeque<>();
                for (int j = in.readInt(); j > 0; j--) {
                    ids.add(in.readUTF());
                }
                spares.put(partition, ids);
            }
            for (int i = in.readInt(); i > 0; i--) {
                String id = in.readUTF();
                committing.put(id, in.readUTF());
            }
        }
    }

    /** Sessions the coordinator counts as open (for tests). */
    List<String> openSessionIds() throws Exception {
        return run(
                () -> {
                    List<String> ids = new ArrayList<>();
                    assignments.values().forEach(a -> ids.add(a.sessionId));
                    spares.values().forEach(ids::addAll);
                    ids.addAll(committing.keySet());
                    return ids;
                });
    }

    private <T> T run(java.util.concurrent.Callable<T> action) throws Exception {
        try {
            return executor.submit(action).get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
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
            return new SessionCoordinator(
                    operatorName,
                    connection,
                    table,
                    limits,
                    maxPartitionsPerEpoch,
                    overwrite,
                    partitionsSetting,
                    System::currentTimeMillis);
        }
    }
}
