package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.streaming.api.operators.collect.CollectCoordinationResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The upsert session coordinator against the emulator: one session per partition for every writer,
 * replaced once, kept across a regional failover, new after a global one, and replaced before the
 * session lifetime ends.
 */
class UpsertSessionCoordinatorTest {

    private static TunnelEmulator emulator;

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private UpsertSessionCoordinator coordinator;

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
        emulator.executeSql(
                "CREATE TABLE users (id BIGINT NOT NULL, name STRING, PRIMARY KEY (id))"
                        + " TBLPROPERTIES ('transactional'='true', 'write.bucket.num'='4')");
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @AfterEach
    void close() throws Exception {
        coordinator.close();
    }

    private static UpsertTableFactory tableFactory() {
        return new UpsertTableFactory(
                TunnelConnectionOptions.builder()
                        .endpoint(emulator.odpsEndpoint())
                        .tunnelEndpoint(emulator.tunnelEndpoint())
                        .project(emulator.defaultProject())
                        .accessKey("ak", "sk")
                        .build(),
                "users");
    }

    private void start() {
        coordinator = new UpsertSessionCoordinator("test", tableFactory(), 4, clock::get);
        coordinator.start();
    }

    private static void commit(String sessionId) throws Exception {
        try (UpsertTable table = tableFactory().open()) {
            table.attachSession(PartitionSpec.parse(""), sessionId).commit();
        }
    }

    private String ask(String replaced) throws Exception {
        return ask(replaced, 0, 0);
    }

    private String ask(String replaced, int subtask, int attempt) throws Exception {
        return ((CollectCoordinationResponse)
                        coordinator
                                .handleCoordinationRequest(
                                        new UpsertSessionRequest(
                                                "",
                                                replaced == null ? "" : replaced,
                                                subtask,
                                                attempt))
                                .get())
                .getVersion();
    }

    @Test
    void everyWriterGetsThePartitionsSessionUntilOneReportsItCommitted() throws Exception {
        start();
        String s1 = ask(null);
        assertThat(ask(null)).isEqualTo(s1);

        String s2 = ask(s1);
        assertThat(s2).isNotEqualTo(s1);
        // the other writers report the same committed session: they get the same new one
        assertThat(ask(s1)).isEqualTo(s2);
        assertThat(ask(null)).isEqualTo(s2);
    }

    /**
     * BATCH: a writer's region restarts while the others go on writing the session; the restarted
     * writer must write into it too, after its failed attempt's changes, not into a new session
     * that could be committed first.
     */
    @Test
    void aRegionalFailoverKeepsTheCurrentSessionAndAGlobalOneStartsNewOnes() throws Exception {
        start();
        String s1 = ask(null);

        coordinator.subtaskReset(3, 0);
        assertThat(ask(null)).isEqualTo(s1);

        coordinator.resetToCheckpoint(0, new byte[0]);
        assertThat(ask(null)).isNotEqualTo(s1);
    }

    @Test
    void aSessionIsReplacedBeforeItsLifetimeEnds() throws Exception {
        start();
        String s1 = ask(null);
        clock.addAndGet(Duration.ofHours(23).toMillis());

        assertThat(ask(null)).isNotEqualTo(s1);
    }

    /**
     * A writer of a failed attempt that still runs (cut off from the JobManager) gets no session;
     * the new attempt does.
     */
    @Test
    void aFailedAttemptsRequestsAreRefused() throws Exception {
        start();
        String s1 = ask(null, 2, 0);
        coordinator.executionAttemptFailed(2, 0, new RuntimeException("lost"));

        assertThatThrownBy(() -> ask(null, 2, 0))
                .hasRootCauseMessage(
                        "Refused an upsert session request of subtask 2 execution attempt 0 of"
                                + " table users: attempt 1 replaced it");
        assertThat(ask(null, 2, 1)).isEqualTo(s1);
    }

    /**
     * Replaced sessions count as open until the service reports them committed; then they are
     * forgotten, so a long job tracks one current and no retired session per partition.
     */
    @Test
    void aReplacedSessionIsForgottenOnceTheServiceReportsItCommitted() throws Exception {
        start();
        String s1 = ask(null);
        String s2 = ask(s1);
        assertThat(coordinator.sessionCounts())
                .containsEntry("current", 1)
                .containsEntry("retired", 1);

        coordinator.notifyCheckpointComplete(1);
        assertThat(coordinator.sessionCounts()).containsEntry("retired", 1); // still open

        commit(s1);
        coordinator.notifyCheckpointComplete(2);
        assertThat(coordinator.sessionCounts())
                .containsEntry("current", 1)
                .containsEntry("retired", 0);
        assertThat(ask(null)).isEqualTo(s2);
    }
}
