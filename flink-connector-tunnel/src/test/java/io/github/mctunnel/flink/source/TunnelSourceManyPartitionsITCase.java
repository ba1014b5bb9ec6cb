package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A bounded read of 500 partitions paces its download sessions under the service's limit. */
class TunnelSourceManyPartitionsITCase {

    private static final int PARTITIONS = 500;
    private static final int ROWS_PER_PARTITION = 2;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private EmulatorTables tables;

    @AfterEach
    void closeEmulator() throws Exception {
        if (tables != null) {
            tables.close();
        }
    }

    @Test
    void fiveHundredPartitionsNeverTripTheDownloadSessionLimit() throws Exception {
        // the service's 200 per 5 minutes, scaled down to 50 per second (half the rate at which
        // the source creates sessions one after the other when nothing holds it back)
        Duration window = Duration.ofSeconds(1);
        tables =
                new EmulatorTables(
                        EmulatorLimits.builder().downloadSessionRate(50, window).build());
        tables.sql("CREATE TABLE t (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        Map<PartitionSpec, List<Object[]>> rows = new LinkedHashMap<>();
        List<String> expected = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            String ds = String.valueOf(p);
            tables.sql("ALTER TABLE t ADD PARTITION (ds='" + ds + "')");
            List<Object[]> partitionRows = new ArrayList<>();
            for (int r = 0; r < ROWS_PER_PARTITION; r++) {
                long id = p * 10L + r;
                partitionRows.add(new Object[] {id, "name-" + id});
                expected.add(EmulatorTables.line(ds, id, "name-" + id));
            }
            rows.put(PartitionSpec.parse("ds=" + ds), partitionRows);
        }
        TableIdentifier table = TableIdentifier.of(EmulatorTables.PROJECT, "t");
        tables.emulator.catalog().table(table).commit(rows, false);
        tables.emulator.requestLog().clear();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(4);
        // the source's own budget a little below the service's, so that requests delayed on
        // their way cannot bunch up within one of the service's windows
        TunnelSource<String> source =
                TunnelSource.<String>builder()
                        .setConnection(tables.connection())
                        .setTable("t")
                        .setDeserializer(new LineDeserializer())
                        .setDownloadSessionRate(45, window)
                        .build();
        long start = System.nanoTime();
        List<String> actual = new ArrayList<>();
        try (CloseableIterator<String> it =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "tunnel")
                        .executeAndCollect()) {
            it.forEachRemaining(actual::add);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        Collections.sort(actual);
        Collections.sort(expected);
        assertThat(actual).hasSize(PARTITIONS * ROWS_PER_PARTITION).isEqualTo(expected);
        List<LoggedRequest> refused =
                tables.emulator.requestLog().entries(e -> "FlowExceeded".equals(e.errorCode()));
        assertThat(refused).isEmpty();
        assertThat(tables.emulator.stats(table).downloadSessionsCreated()).isEqualTo(PARTITIONS);
        // 500 sessions at 45 per window cannot be created in less than eleven windows
        assertThat(took).isGreaterThanOrEqualTo(window.multipliedBy(11));
    }
}
