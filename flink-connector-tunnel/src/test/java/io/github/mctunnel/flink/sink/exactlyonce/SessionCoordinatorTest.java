package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.runtime.operators.coordination.CoordinationResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session coordinator against the emulator: sessions of an aborted epoch are reused instead of
 * piling up, and session creation is paced inside the table budget (on a fake clock).
 */
class SessionCoordinatorTest {

    private static TunnelEmulator emulator;
    private static int tables;

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private SessionCoordinator coordinator;
    private TableIdentifier table;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @AfterEach
    void closeCoordinator() throws Exception {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private void start(TableWriteLimits limits) throws Exception {
        start(limits, false);
    }

    private void start(TableWriteLimits limits, boolean overwrite) throws Exception {
        String name = "co_t" + (++tables);
        emulator.executeSql("CREATE TABLE " + name + " (id BIGINT) PARTITIONED BY (ds STRING)");
        table = TableIdentifier.of(emulator.defaultProject(), name);
        TunnelConnectionOptions connection =
                TunnelConnectionOptions.builder()
                        .endpoint(emulator.odpsEndpoint())
                        .tunnelEndpoint(emulator.tunnelEndpoint())
                        .project(emulator.defaultProject())
                        .accessKey("ak", "sk")
                        .build();
        coordinator =
                new SessionCoordinator(
                        "test",
                        connection,
                        name,
                        limits,
                        3,
                        overwrite,
                        WriteBudget.PARTITIONS_SETTING,
                        clock::get);
        coordinator.start();
    }

    private SessionResponse ask(String partition, long epoch) throws Exception {
        CompletableFuture<CoordinationResponse> f =
                coordinator.handleCoordinationRequest(
                        new SessionRequest(partition, epoch, 0, 1, 0));
        return SessionResponse.from(f.get());
    }

    private byte[] checkpoint(long id) throws Exception {
        CompletableFuture<byte[]> state = new CompletableFuture<>();
        coordinator.checkpointCoordinator(id, state);
        return state.get();
    }

    @Test
    void sameEpochAfterAFailoverGetsTheSameSession() throws Exception {
        start(TableWriteLimits.defaults());
        byte[] state = checkpoint(4);
        String first = ask("ds=a", 5).sessionId();

        coordinator.resetToCheckpoint(4, state); // epoch 5 aborted
        String replayed = ask("ds=a", 5).sessionId();

        assertThat(replayed).isEqualTo(first);
        assertThat(emulator.stats(table).uploadSessionsCreated()).isEqualTo(1);
        assertThat(coordinator.openSessionIds()).containsExactly(first);
    }

    @Test
    void sessionOfAnAbortedEpochIsReusedByTheNextEpochOfItsPartition() throws Exception {
        start(TableWriteLimits.defaults());
        byte[] state = checkpoint(4);
        String aborted = ask("ds=a", 5).sessionId();
        coordinator.resetToCheckpoint(4, state);

        // the replay writes nothing to ds=a in epoch 5; checkpoint 5 completes
        checkpoint(5);
        coordinator.notifyCheckpointComplete(5);
        String next = ask("ds=a", 6).sessionId();

        assertThat(next).isEqualTo(aborted);
        assertThat(emulator.stats(table).uploadSessionsCreated()).isEqualTo(1);
        // repeated failovers do not grow the open sessions either
        for (int attempt = 0; attempt < 3; attempt++) {
            byte[] s = checkpoint(6);
            ask("ds=a", 7);
            coordinator.resetToCheckpoint(6, s);
        }
        assertThat(emulator.stats(table).uploadSessionsCreated()).isEqualTo(2);
        assertThat(coordinator.openSessionIds()).hasSize(2);
    }

    @Test
    void sessionCreationWaitsForTheFiveMinuteBudget() throws Exception {
        start(new TableWriteLimits(2, 500, 32, 75));
        assertThat(ask("ds=a", 1).sessionId()).isNotNull();
        clock.addAndGet(1_000);
        assertThat(ask("ds=b", 1).sessionId()).isNotNull();
        clock.addAndGet(9_000);

        SessionResponse throttled = ask("ds=c", 1);

        assertThat(throttled.sessionId()).isNull();
        assertThat(throttled.retryAfterMillis()).isEqualTo(300_000 - 10_000);
        assertThat(emulator.stats(table).uploadSessionsCreated()).isEqualTo(2);
        clock.addAndGet(290_000);
        assertThat(ask("ds=c", 1).sessionId()).isNotNull();
        assertThat(emulator.stats(table).uploadSessionsCreated()).isEqualTo(3);
    }

    /**
     * INSERT OVERWRITE: a spare session (its epoch's attempt failed) is never committed to make
     * room in the concurrent-session budget: committed empty it would wipe its partition. It counts
     * toward the budget until it is too old to reuse and then expires, as it does at the service.
     */
    @Test
    void overwriteCoordinatorNeverCommitsASpareSession() throws Exception {
        start(new TableWriteLimits(500, 500, 2, 75), true);
        PartitionSpec a = PartitionSpec.parse("ds=a");
        emulator.catalog()
                .table(table)
                .commit(Map.of(a, List.<Object[]>of(new Object[] {7L})), false);
        byte[] state = checkpoint(4);
        String spare = ask("ds=a", 5).sessionId();
        coordinator.resetToCheckpoint(4, state);
        checkpoint(5);
        coordinator.notifyCheckpointComplete(5);

        assertThat(ask("ds=b", 6).sessionId()).isNotNull();
        // two sessions open (the spare and ds=b): the spare is abandoned, not committed, and
        // the service still counts it until it expires
        assertThat(ask("ds=c", 6).sessionId()).isNull();
        assertThat(coordinator.openSessionIds()).contains(spare).hasSize(2);
        // a day later the spare is too old to reuse: abandoned (never committed), then forgotten
        clock.addAndGet(SessionLifecycle.LIFETIME_MILLIS);
        assertThat(ask("ds=c", 6).sessionId()).isNotNull();
        assertThat(coordinator.openSessionIds()).doesNotContain(spare).hasSize(2);
        assertThat(emulator.stats(table).commits()).isZero();
        assertThat(emulator.committedRows(table, a)).singleElement().isEqualTo(new Object[] {7L});
    }
}
