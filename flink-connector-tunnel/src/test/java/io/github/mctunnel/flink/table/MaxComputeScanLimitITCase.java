package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pushed-down LIMIT bounds what the scan costs the service: once the splits handed out hold the
 * limit's rows, the enumerator creates no more download sessions and hands out no more rows.
 */
class MaxComputeScanLimitITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private static final int PARTITIONS = 30;

    private static TunnelEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
        emulator.executeSql("CREATE TABLE many (id BIGINT, v STRING) PARTITIONED BY (ds STRING)");
        for (int ds = 1; ds <= PARTITIONS; ds++) {
            List<Object[]> rows = new ArrayList<>();
            for (long id = 0; id < 10; id++) {
                rows.add(new Object[] {id, ds + "/" + id});
            }
            EmulatorRows.write(emulator, "many", "ds=" + ds, rows);
        }
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void limitFiveOpensOneDownloadSessionAndDownloadsFiveRows() throws Exception {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig().set("parallelism.default", "4");
        env.executeSql(
                "CREATE TABLE many (id BIGINT, v STRING, ds STRING) WITH ('connector' ="
                        + " 'maxcompute', 'endpoint' = '"
                        + emulator.odpsEndpoint()
                        + "', 'tunnel.endpoint' = '"
                        + emulator.tunnelEndpoint()
                        + "', 'project' = '"
                        + emulator.defaultProject()
                        + "', 'table' = 'many', 'access-id' = 'ak', 'access-key-secret' = 'sk')");
        long before =
                emulator.stats(TableIdentifier.of(emulator.defaultProject(), "many"))
                        .downloadSessionsCreated();
        emulator.requestLog().clear();
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql("SELECT v FROM many LIMIT 5").collect()) {
            it.forEachRemaining(r -> rows.add(r.toString()));
        }
        assertThat(rows).containsExactly("+I[1/0]", "+I[1/1]", "+I[1/2]", "+I[1/3]", "+I[1/4]");
        long created =
                emulator.stats(TableIdentifier.of(emulator.defaultProject(), "many"))
                                .downloadSessionsCreated()
                        - before;
        assertThat(created).isEqualTo(1);
        long rowsRequested = 0;
        for (var r : emulator.requestLog().entries(r -> r.params().containsKey("data"))) {
            String range = r.params().get("rowrange");
            rowsRequested +=
                    Long.parseLong(range.substring(range.indexOf(',') + 1, range.length() - 1));
        }
        assertThat(rowsRequested).isEqualTo(5);
    }
}
