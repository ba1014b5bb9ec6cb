package io.github.mctunnel.flink.docs.samples;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.emulator.junit.TunnelEmulatorExtension;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample test of docs/emulator.md: a user's own pipeline test against the emulator. */
// [START emulator-junit]
class OrdersPipelineITCase {

    @RegisterExtension
    static final TunnelEmulatorExtension EMULATOR =
            new TunnelEmulatorExtension(b -> b.project("my_project").credentials("ak", "sk"));

    @Test
    void writesOrdersIntoDailyPartitionsDespiteServiceErrors(TunnelEmulator emulator)
            throws Exception {
        emulator.executeSql(
                "my_project",
                "CREATE TABLE orders (order_id BIGINT, amount DECIMAL(18,2))"
                        + " PARTITIONED BY (ds STRING)");
        // the first two flushes of the stream tunnel fail with 503; the sink retries them
        emulator.faultPlan()
                .failNext(
                        2,
                        RequestMatcher.of("PUT", "/tables/orders/streams").withParam("slotid"),
                        503,
                        "ServiceUnavailable");

        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tEnv.executeSql(
                "CREATE TABLE orders (order_id BIGINT, amount DECIMAL(18,2), ds STRING)"
                        + " PARTITIONED BY (ds) WITH ('connector' = 'maxcompute',"
                        + " 'endpoint' = '"
                        + emulator.odpsEndpoint()
                        + "',"
                        + " 'project' = 'my_project', 'table' = 'orders',"
                        + " 'access-id' = 'ak', 'access-key-secret' = 'sk')");
        tEnv.executeSql("INSERT INTO orders VALUES (1, 9.99, '20261122'), (2, 5.00, '20261123')")
                .await();

        assertThat(
                        emulator.committedRows(
                                "my_project", "orders", PartitionSpec.parse("ds=20261122")))
                .containsExactly(new Object[] {1L, new BigDecimal("9.99")});
        assertThat(emulator.faultPlan().injectedCount()).isEqualTo(2);
        assertThat(emulator.attackRequests()).isEmpty(); // retries kept the service's back-off
    }
}
// [END emulator-junit]
