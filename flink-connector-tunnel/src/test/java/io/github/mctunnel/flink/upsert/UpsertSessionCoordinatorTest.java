package io.github.mctunnel.flink.upsert;

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

    private void start() {
        coordinator =
                new UpsertSessionCoordinator(
                        "test",
                        new UpsertTableFactory(
                                TunnelConnectionOptions.builder()
                                        .endpoint(emulator.odpsEndpoint())
                                        .tunnelEndpoint(emulator.tunnelEndpoint())
                                        .project(emulator.defaultProject())
                                        .accessKey("ak", "sk")
                                        .build(),
                                "users"),
                        4,
                        clock::get);
        coordinator.start();
    }

    private String ask(String replaced) throws Exception {
        return ((CollectCoordinationResponse)
                        coordinator
                                .handleCoordinationRequest(
                                        new UpsertSessionRequest(
                                                "", replaced == null ? "" : replaced))
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
}
