package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.CommitOutcome;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.flink.client.SharedTunnelClients;
import io.github.mctunnel.flink.client.TunnelClientLease;
import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.sink.session.UnknownSessions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Commits each upload session of a checkpoint once with the union of the block ids all writers
 * reported for it. Blocks the service holds beyond that union were written by an attempt that
 * failed (its rows are replayed under the same or other ids), so they are replaced by empty blocks
 * before the commit. A session found committed already (a replay after a failure) counts as
 * committed. Commits are paced inside the table's commit budget.
 */
@Internal
final class SessionCommitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionCommitter.class);

    private final TunnelClientLease lease;
    private final TunnelClient client;
    private final TableIdentifier tableId;
    private final SlidingWindowBudget commits;
    private final Counter sessionsCommitted;
    private final Counter rowsCommitted;
    private final boolean overwrite;
    private final String table;
    private final UnknownSessions unknownSessions;

    SessionCommitter(
            TunnelConnectionOptions connection,
            String table,
            TableWriteLimits limits,
            Counter sessionsCommitted,
            Counter rowsCommitted) {
        this(
                connection,
                table,
                limits,
                sessionsCommitted,
                rowsCommitted,
                false,
                false,
                new SimpleCounter(),
                new SimpleCounter());
    }

    /**
     * @param sessionsCommitted counts the sessions this committer committed (not those found
     *     committed before)
     * @param rowsCommitted counts the rows of those sessions
     * @param overwrite the sessions are overwrite sessions (INSERT OVERWRITE): one without rows is
     *     never committed, it would replace its partition by nothing
     * @param failOnExpiredSessions a session the service no longer knows fails the job instead of
     *     being counted and logged
     * @param expiredSessions counts sessions the service no longer knew when they were committed
     * @param rowsOfExpiredSessions counts the rows the writers reported for those sessions
     */
    SessionCommitter(
            TunnelConnectionOptions connection,
            String table,
            TableWriteLimits limits,
            Counter sessionsCommitted,
            Counter rowsCommitted,
            boolean overwrite,
            boolean failOnExpiredSessions,
            Counter expiredSessions,
            Counter rowsOfExpiredSessions) {
        this.overwrite = overwrite;
        this.table = table;
        this.unknownSessions =
                new UnknownSessions(
                        "upload",
                        table,
                        failOnExpiredSessions,
                        expiredSessions,
                        rowsOfExpiredSessions);
        this.sessionsCommitted = sessionsCommitted;
        this.rowsCommitted = rowsCommitted;
        this.lease = SharedTunnelClients.jvm().acquire(connection);
        this.client = lease.client();
        this.tableId = client.table(table);
        this.commits = new SlidingWindowBudget(limits.commitsPer15Seconds(), 15_000);
    }

    /**
     * Commits the sessions of the committables of one or more checkpoints: each session once, with
     * the union of the blocks every writer reported for it in any of these checkpoints (a writer
     * that missed the barrier of an aborted checkpoint reports its blocks of that epoch with the
     * next checkpoint). A failure after the client's retries is thrown: the job restarts and the
     * committables, restored from the last checkpoint, are committed again (idempotently).
     */
    void commit(List<BlockCommittable> committables) throws IOException, InterruptedException {
        Map<String, List<BlockCommittable>> bySession = new LinkedHashMap<>();
        for (BlockCommittable c : committables) {
            bySession.computeIfAbsent(c.sessionId(), id -> new ArrayList<>()).add(c);
        }
        for (List<BlockCommittable> group : bySession.values()) {
            commitSession(group);
        }
    }

    private void commitSession(List<BlockCommittable> group)
            throws IOException, InterruptedException {
        BlockCommittable first = group.get(0);
        TreeSet<Long> blocks = new TreeSet<>();
        long rows = 0;
        for (BlockCommittable c : group) {
            blocks.addAll(c.blockIds());
            rows += c.rowCount();
        }
        if (overwrite && rows == 0) {
            LOG.warn(
                    "Overwrite session {} of {} has no rows; not committed (it would empty the"
                            + " partition)",
                    first.sessionId(),
                    first.partition());
            return;
        }
        try {
            commitSession(first, blocks, rows);
        } catch (TunnelException e) {
            if (!UploadSessions.isUnknownSession(e)) {
                throw e;
            }
            unknownSession(group, blocks, rows, e);
        }
    }

    private void commitSession(BlockCommittable first, TreeSet<Long> blocks, long rows)
            throws IOException, InterruptedException {
        UploadSession session =
                client.attachUploadSession(
                        tableId, PartitionSpec.parse(first.partition()), first.sessionId());
        if (UploadSessions.isCommitted(session)) {
            LOG.info("Session {} was committed before (replay)", first.sessionId());
            return;
        }
        // wait for the commit budget first: the time between emptying stale blocks and the
        // commit, when a late write of a failed attempt could land, stays as short as it can
        long wait;
        while ((wait = commits.waitMillis(System.currentTimeMillis())) > 0) {
            Thread.sleep(wait);
        }
        commits.record(System.currentTimeMillis());
        TreeSet<Long> stale = new TreeSet<>(session.blockList());
        stale.removeAll(blocks);
        if (!stale.isEmpty()) {
            LOG.info(
                    "Emptying blocks {} of session {} written by a failed attempt",
                    stale,
                    first.sessionId());
            UploadSessions.empty(session, stale);
        }
        TreeSet<Long> all = new TreeSet<>(blocks);
        all.addAll(stale);
        CommitOutcome outcome = session.commit(all);
        sessionsCommitted.inc();
        rowsCommitted.inc(rows);
        LOG.info(
                "Session {} of {} epoch {}: {} ({} rows in {} blocks)",
                first.sessionId(),
                first.partition().isEmpty() ? "table" : first.partition(),
                first.epoch(),
                outcome,
                rows,
                blocks.size());
    }

    /**
     * The service no longer knows a session whose commit is due: it expired (sessions live 24 h) or
     * was removed. Usually its commit ran before (a savepoint or checkpoint restored after its
     * commit, days later); if the commit never ran within the session's lifetime, its rows are
     * lost. Counted and logged, or a failure when so configured (as Kafka's sink treats timed-out
     * transactions).
     */
    private void unknownSession(
            List<BlockCommittable> group, TreeSet<Long> blocks, long rows, TunnelException e)
            throws IOException {
        BlockCommittable first = group.get(0);
        TreeSet<Long> checkpoints = new TreeSet<>();
        group.forEach(c -> checkpoints.add(c.epoch()));
        unknownSessions.report(
                first.partition(),
                first.sessionId(),
                checkpoints.size() == 1 ? checkpoints.first().toString() : checkpoints.toString(),
                rows,
                rows + " rows in " + blocks.size() + " blocks",
                e);
    }

    /**
     * INSERT OVERWRITE of a static partition (or a non-partitioned table) whose query returned no
     * rows: like Hive and Flink's filesystem tables, the partition is replaced by an empty one (it
     * is created when missing). Commits one new, empty overwrite session.
     *
     * @param partition Tunnel form of the partition, "" for a non-partitioned table
     */
    void replaceByEmpty(String partition) throws IOException, InterruptedException {
        PartitionSpec spec = PartitionSpec.parse(partition);
        if (!spec.isEmpty()) {
            client.meta().createPartition(tableId, spec, true);
        }
        UploadSession session = client.createUploadSession(tableId, spec, true);
        long wait;
        while ((wait = commits.waitMillis(System.currentTimeMillis())) > 0) {
            Thread.sleep(wait);
        }
        commits.record(System.currentTimeMillis());
        CommitOutcome outcome = session.commit(List.of());
        sessionsCommitted.inc();
        LOG.info(
                "INSERT OVERWRITE without rows: {} replaced by an empty one (session {}: {})",
                spec.isEmpty() ? "table " + tableId : "partition " + partition,
                session.id(),
                outcome);
    }

    @Override
    public void close() throws Exception {
        lease.close();
    }
}
