package io.github.mctunnel.emulator.sql;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.Credentials;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.sql.SqlLiterals;
import io.github.mctunnel.emulator.TunnelEmulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Partition values and names written by the client's {@link SqlLiterals} reach the emulator's SQL
 * intact: a value with backslashes and quotes round-trips exactly, and a value that tries to end
 * its literal early creates one partition with exactly that value and runs nothing else.
 */
class PartitionDdlQuotingTest {

    private TunnelEmulator emulator;
    private TunnelClient client;

    @BeforeEach
    void start() throws Exception {
        emulator = TunnelEmulator.builder().project("p").credentials("id", "key").build().start();
        client =
                TunnelClient.builder()
                        .odpsEndpoint(emulator.odpsEndpoint())
                        .project("p")
                        .credentialsProvider(
                                new StaticCredentialsProvider(Credentials.of("id", "key")))
                        .build();
        emulator.executeSql("CREATE TABLE victim (id BIGINT)");
        emulator.executeSql("CREATE TABLE logs (id BIGINT) PARTITIONED BY (ds STRING, hh STRING)");
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        emulator.close();
    }

    private static PartitionSpec spec(String ds, String hh) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("ds", ds);
        values.put("hh", hh);
        return PartitionSpec.of(values);
    }

    @Test
    void anInjectionAttemptCreatesOnePartitionWithThatValueAndDropsNothing() throws Exception {
        TableIdentifier logs = client.table("logs");
        PartitionSpec hostile = spec("a\\'); DROP TABLE victim; --", "08");

        client.meta().createPartition(logs, hostile, false);

        List<PartitionSpec> partitions = client.meta().listPartitions(logs);
        assertThat(partitions).containsExactly(hostile);
        assertThat(partitions.get(0).get("ds")).isEqualTo("a\\'); DROP TABLE victim; --");
        assertThat(client.getTable(client.table("victim")).schema().columnNames())
                .containsExactly("id");
    }

    @Test
    void backslashesAndQuotesRoundTripExactly() throws Exception {
        TableIdentifier logs = client.table("logs");
        PartitionSpec odd = spec("C:\\dir\\ it's \\\\ \"x\" \\", "\\'");

        client.meta().createPartition(logs, odd, false);
        client.meta().createPartition(logs, odd, true);

        assertThat(client.meta().listPartitions(logs)).containsExactly(odd);
        client.meta().dropPartition(logs, odd, false);
        assertThat(client.meta().listPartitions(logs)).isEmpty();
    }

    @Test
    void backtickedNamesWithABacktickInsideAreOneName() throws Exception {
        emulator.executeSql(
                "CREATE TABLE "
                        + SqlLiterals.identifier("we`ird")
                        + " ("
                        + SqlLiterals.identifier("i`d")
                        + " BIGINT)");
        assertThat(client.meta().listTables("p", null)).contains("we`ird");
        assertThat(client.getTable(client.table("we`ird")).schema().columnNames())
                .containsExactly("i`d");
    }
}
