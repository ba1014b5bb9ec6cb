package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.flink.client.SharedTunnelClients;
import io.github.mctunnel.flink.client.TunnelClientLease;
import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Failure scenarios of the exactly-once path that only show across rarer Flink events or across
 * time, step by step against the emulator: the coordinator, real upload sessions and blocks, the
 * ledger and the committer, with the emulator's clock for session lifetimes.
 */
class ExactlyOnceFailureScenariosTest {

    private static TunnelEmulator emulator;
    private static TunnelConnectionOptions connection;
    private static TunnelClientLease lease;
    private static TunnelClient client;
    private static int tables;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private String table;
    private TableIdentifier tableId;
    private final SimpleCounter expiredSessions = new SimpleCounter();
    private final SimpleCounter rowsOfExpiredSessions = new SimpleCounter();

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
        connection =
                TunnelConnectionOptions.builder()
                        .endpoint(emulator.odpsEndpoint())
                        .tunnelEndpoint(emulator.tunnelEndpoint())
                        .project(emulator.defaultProject())
                        .accessKey("ak", "sk")
                        .build();
        lease = SharedTunnelClients.jvm().acquire(connection);
        client = lease.client();
    }

    @AfterAll
    static void stopEmulator() {
        lease.close();
        emulator.close();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        assertThat(emulator.attackRequests()).isEmpty();
    }

    private void createTable() {
        table = "eo_scn" + (++tables);
        emulator.executeSql("CREATE TABLE " + table + " (id BIGINT) PARTITIONED BY (ds STRING)");
        tableId = client.table(table);
    }

    private int parallelism = 1;

    private SessionCoordinator coordinator(int parallelism) throws Exception {
        this.parallelism = parallelism;
        SessionCoordinator c =
                new SessionCoordinator(
                        "test",
                        connection,
                        table,
                        TableWriteLimits.defaults(),
                        4,
                        false,
                        WriteBudget.PARTITIONS_SETTING,
                        () -> emulator.clock().millis());
        c.start();
        closeables.add(c);
        return c;
    }

    private SessionCommitter committer(boolean failOnExpired) {
        SessionCommitter c =
                new SessionCommitter(
                        connection,
                        table,
                        TableWriteLimits.defaults(),
                        new SimpleCounter(),
                        new SimpleCounter(),
                        false,
                        failOnExpired,
                        expiredSessions,
                        rowsOfExpiredSessions);
        closeables.add(c);
        return c;
    }

    private SessionResponse ask(SessionCoordinator c, String partition, long epoch, int subtask)
            throws Exception {
        CompletableFuture<CoordinationResponse> f =
                c.handleCoordinationRequest(
                        new SessionRequest(partition, epoch, subtask, parallelism, 0));
        return SessionResponse.from(f.get());
    }

    private static byte[] checkpoint(SessionCoordinator c, long id) throws Exception {
        CompletableFuture<byte[]> state = new CompletableFuture<>();
        c.checkpointCoordinator(id, state);
        return state.get();
    }

    /** Writes the ids as block {@code n} of the writer's range; returns the block id. */
    private long write(SessionResponse grant, String partition, int n, long... ids)
            throws Exception {
        UploadSession s =
                client.attachUploadSession(
                        tableId, PartitionSpec.parse(partition), grant.sessionId());
        long block = grant.blockRange().id(n);
        s.writeRecords(
                block,
                Compression.DEFAULT,
                w -> {
                    for (long id : ids) {
                        w.write(new Object[] {id});
                    }
                });
        return block;
    }

    private List<Long> committedIds(String partition) {
        List<Long> ids = new ArrayList<>();
        for (Object[] row : emulator.committedRows(tableId, PartitionSpec.parse(partition))) {
            ids.add((Long) row[0]);
        }
        return ids;
    }

    /**
     * A TaskManager cut off from the JobManager keeps writing after the job failed over: its blocks
     * must not change what the new attempt commits, even when it writes after the new attempt's
     * writer.
     */
    @Test
    void aZombieWriterOfTheFailedAttemptCannotChangeTheNewAttemptsCommit() throws Exception {
        createTable();
        SessionCoordinator c = coordinator(2);
        byte[] state = checkpoint(c, 4);
        SessionResponse zombie = ask(c, "ds=a", 5, 0);
        write(zombie, "ds=a", 0, 1, 2);

        c.resetToCheckpoint(4, state); // the job fails over; subtask 0's old attempt lives on
        SessionResponse replay = ask(c, "ds=a", 5, 0);
        long block = write(replay, "ds=a", 0, 1, 2);
        // the zombie rewrites its block with more rows, after the new attempt's write
        write(zombie, "ds=a", 0, 1, 2, 3);
        write(zombie, "ds=a", 1, 4);

        assertThat(replay.sessionId()).isEqualTo(zombie.sessionId());
        assertThat(replay.firstBlockId()).isNotEqualTo(zombie.firstBlockId());
        checkpoint(c, 5);
        c.notifyCheckpointComplete(5);
        EpochLedger ledger = new EpochLedger();
        ledger.add(5, new BlockCommittable(replay.sessionId(), "ds=a", 5, List.of(block), 2));
        committer(false).commit(ledger.takeDueUpTo(5));

        assertThat(committedIds("ds=a")).containsExactlyInAnyOrder(1L, 2L);
    }

    /**
     * Checkpoint 6 is declined (say, by a source not ready) after writer 0 passed its barrier and
     * before writer 1 saw it, and the job does not restart: writer 0 reports epoch 6 at checkpoint
     * 6, writer 1 reports its epoch-6 blocks with checkpoint 7. Both are committed once.
     */
    @Test
    void writersThatDisagreeOnTheEpochAfterAnAbortedCheckpointLoseNothing() throws Exception {
        createTable();
        SessionCoordinator c = coordinator(2);
        SessionResponse w0 = ask(c, "ds=a", 6, 0);
        long b0 = write(w0, "ds=a", 0, 1, 2);
        // writer 0 passed barrier 6: its next rows are epoch 7
        SessionResponse w0next = ask(c, "ds=a", 7, 0);
        long b0next = write(w0next, "ds=a", 0, 3);
        // writer 1 never saw barrier 6: its rows are still epoch 6, written at barrier 7
        SessionResponse w1 = ask(c, "ds=a", 6, 1);
        long b1 = write(w1, "ds=a", 0, 10, 11);
        assertThat(w1.sessionId()).isEqualTo(w0.sessionId());

        EpochLedger ledger = new EpochLedger();
        ledger.add(6, new BlockCommittable(w0.sessionId(), "ds=a", 6, List.of(b0), 2));
        ledger.add(7, new BlockCommittable(w0next.sessionId(), "ds=a", 7, List.of(b0next), 1));
        ledger.add(7, new BlockCommittable(w1.sessionId(), "ds=a", 6, List.of(b1), 2));
        // checkpoint 6 was aborted: its notification never comes; 7 completes
        checkpoint(c, 7);
        c.notifyCheckpointComplete(7);
        committer(false).commit(ledger.takeDueUpTo(7));

        assertThat(committedIds("ds=a")).containsExactlyInAnyOrder(1L, 2L, 3L, 10L, 11L);
    }

    /**
     * Stop with a savepoint on Friday (its commit ran), restore on Monday: the restored committer
     * finds the session unknown to the service, logs and counts it, and the job goes on.
     */
    @Test
    void aRestoreAfterTheSessionLifetimeStartsAndCountsTheUnknownSession() throws Exception {
        createTable();
        SessionCoordinator c = coordinator(1);
        SessionResponse g = ask(c, "ds=a", 3, 0);
        long block = write(g, "ds=a", 0, 1, 2, 3);
        byte[] state = checkpoint(c, 3);
        EpochLedger ledger = new EpochLedger();
        ledger.add(3, new BlockCommittable(g.sessionId(), "ds=a", 3, List.of(block), 3));
        byte[] committerState = ledger.serialize(new BlockCommittableSerializer());
        // the savepoint completes and its commit runs
        committer(false).commit(ledger.takeDueUpTo(3));

        emulator.advanceClock(Duration.ofHours(25));
        EpochLedger restored = new EpochLedger();
        restored.restore(committerState, new BlockCommittableSerializer());
        committer(false).commit(restored.takeDueUpTo(3));

        assertThat(expiredSessions.getCount()).isEqualTo(1);
        assertThat(rowsOfExpiredSessions.getCount()).isEqualTo(3);
        assertThat(committedIds("ds=a")).containsExactlyInAnyOrder(1L, 2L, 3L);
        // the restored coordinator forgets the expired sessions and creates a new one
        SessionCoordinator again = coordinator(1);
        again.resetToCheckpoint(3, state);
        SessionResponse next = ask(again, "ds=a", 4, 0);
        assertThat(next.sessionId()).isNotEqualTo(g.sessionId());
        checkpoint(again, 4);
        again.notifyCheckpointComplete(4);
        assertThat(again.openSessionIds()).containsExactly(next.sessionId());
    }

    @Test
    void withFailOnExpiredSessionsTheRestoreFailsNamingTableSessionAndRows() throws Exception {
        createTable();
        SessionCoordinator c = coordinator(1);
        SessionResponse g = ask(c, "ds=a", 3, 0);
        long block = write(g, "ds=a", 0, 1);
        emulator.advanceClock(Duration.ofHours(25));

        assertThatThrownBy(
                        () ->
                                committer(true)
                                        .commit(
                                                List.of(
                                                        new BlockCommittable(
                                                                g.sessionId(),
                                                                "ds=a",
                                                                3,
                                                                List.of(block),
                                                                1))))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageStartingWith(
                        "Upload session "
                                + g.sessionId()
                                + " of table "
                                + table
                                + " partition ds=a (checkpoint 3, 1 rows in 1 blocks) is unknown"
                                + " to the service: it expired (upload sessions live 24 hours) or"
                                + " was removed before this commit ran. If its commit ran before"
                                + " (a checkpoint or savepoint restored after it was committed)"
                                + " nothing is lost; otherwise these rows are lost (failing as"
                                + " configured: ")
                .hasMessageContaining("NoSuchUpload")
                .hasMessageContaining("RequestId=");
        assertThat(expiredSessions.getCount()).isZero();
    }

    /**
     * A spare session (its epoch's attempt failed) is closed empty to make room after checkpoint 5;
     * the JobManager then fails and the new coordinator restores checkpoint 5, which still lists
     * the spare: it must not be handed out again (its writes would be refused forever).
     */
    @Test
    void aSpareCommittedAfterTheRestoredCheckpointIsNotHandedOutAgain() throws Exception {
        createTable();
        SessionCoordinator c = coordinator(1);
        byte[] s4 = checkpoint(c, 4);
        SessionResponse spare = ask(c, "ds=a", 5, 0);
        c.resetToCheckpoint(4, s4);
        byte[] s5 = checkpoint(c, 5);
        c.notifyCheckpointComplete(5);
        // closed empty (as the coordinator does at the session cap)
        UploadSession session =
                client.attachUploadSession(tableId, PartitionSpec.parse("ds=a"), spare.sessionId());
        session.commit(session.blockList());

        SessionCoordinator restored = coordinator(1);
        restored.resetToCheckpoint(5, s5);
        SessionResponse next = ask(restored, "ds=a", 6, 0);
        long block = write(next, "ds=a", 0, 7);

        assertThat(next.sessionId()).isNotEqualTo(spare.sessionId());
        committer(false)
                .commit(
                        List.of(
                                new BlockCommittable(
                                        next.sessionId(), "ds=a", 6, List.of(block), 1)));
        assertThat(committedIds("ds=a")).containsExactly(7L);
    }
}
