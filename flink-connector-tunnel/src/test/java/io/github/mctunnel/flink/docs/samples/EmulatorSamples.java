package io.github.mctunnel.flink.docs.samples;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.FaultPlan;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.tunnel.TunnelStats;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedding sample of docs/emulator.md; {@code DocsSamplesITCase} runs it. */
public final class EmulatorSamples {

    private EmulatorSamples() {}

    static void embedded() throws Exception {
        // [START emulator-embed]
        try (TunnelEmulator emulator =
                TunnelEmulator.builder()
                        .port(0) // a free port
                        .project("my_project")
                        .credentials("ak", "sk") // requests must be signed with this AccessKey
                        .limits( // the service's limits, here with a 1 min session lifetime
                                EmulatorLimits.builder()
                                        .sessionLifetime(Duration.ofMinutes(1))
                                        .build())
                        .faultPlan( // seeded: a failing run replays the same faults
                                FaultPlan.seeded(42)
                                        .failNext(
                                                1,
                                                RequestMatcher.of("POST", "/tables/t")
                                                        .withParam("uploads"), // new session
                                                503,
                                                "ServiceUnavailable"))
                        .build()
                        .start()) {
            emulator.executeSql(
                    "my_project",
                    "CREATE TABLE t (id BIGINT, s STRING) PARTITIONED BY (ds STRING)");
            emulator.executeSql("my_project", "ALTER TABLE t ADD PARTITION (ds='1')");
            String endpoint = emulator.odpsEndpoint(); // http://127.0.0.1:<port>/api

            runCodeUnderTest(endpoint); // e.g. a Flink job writing two rows to ds=1

            List<Object[]> rows =
                    emulator.committedRows("my_project", "t", PartitionSpec.parse("ds=1"));
            assertThat(rows).hasSize(2);
            TunnelStats stats = emulator.stats(TableIdentifier.of("my_project", "t"));
            assertThat(stats.commits()).isEqualTo(1);
            assertThat(emulator.faultPlan().injectedCount()).isEqualTo(1); // the 503 happened
            assertThat(emulator.attackRequests()).isEmpty(); // and was retried politely
        }
        // [END emulator-embed]
    }

    /** Stands for the user's code: uploads two rows to partition ds=1 with the client. */
    private static void runCodeUnderTest(String endpoint) throws IOException {
        try (TunnelClient client =
                TunnelClient.builder()
                        .odpsEndpoint(endpoint)
                        .project("my_project")
                        .credentialsProvider(StaticCredentialsProvider.of("ak", "sk"))
                        .build()) {
            UploadSession session =
                    client.createUploadSession(
                            client.table("t"), PartitionSpec.parse("ds=1"), false);
            session.writeRecords(
                    0,
                    Compression.LZ4,
                    w -> {
                        w.write(new Object[] {1L, "a"});
                        w.write(new Object[] {2L, "b"});
                    });
            session.commit(List.of(0L));
        }
    }
}
