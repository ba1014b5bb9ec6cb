package io.github.mctunnel.compat.source;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.source.RowTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.TunnelSource;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import com.aliyun.odps.Odps;
import com.aliyun.odps.PartitionSpec;
import com.aliyun.odps.account.AliyunAccount;
import com.aliyun.odps.data.Record;
import com.aliyun.odps.data.RecordWriter;
import com.aliyun.odps.tunnel.TableTunnel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partitioned table with every column type, written by the official SDK's TableTunnel into the
 * emulator, read back by {@link TunnelSource} on a MiniCluster: every row once, every value equal.
 */
class SdkWrittenTableReadBackITCase {

    private static final String PROJECT = "p";
    private static final String TABLE = "all_types";
    private static final int PARTITIONS = 3;
    private static final int ROWS = 25_000;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    private static TunnelEmulator emulator;

    @BeforeAll
    static void writeTableWithSdk() throws Exception {
        emulator = TunnelEmulator.builder().project(PROJECT).credentials("ak", "sk").build();
        emulator.start();
        emulator.executeSql(PROJECT, AllTypesRows.createTableSql(TABLE));
        Odps odps = new Odps(new AliyunAccount("ak", "sk"));
        odps.setEndpoint(emulator.odpsEndpoint());
        odps.setDefaultProject(PROJECT);
        odps.setTunnelEndpoint(emulator.tunnelEndpoint());
        TableTunnel tunnel = new TableTunnel(odps);
        for (int p = 0; p < PARTITIONS; p++) {
            String ds = AllTypesRows.partitionValue(p);
            emulator.executeSql(
                    PROJECT, "ALTER TABLE " + TABLE + " ADD PARTITION (ds='" + ds + "')");
            TableTunnel.UploadSession up =
                    tunnel.createUploadSession(
                            PROJECT, TABLE, new PartitionSpec("ds='" + ds + "'"));
            int blocks = 2;
            for (int block = 0; block < blocks; block++) {
                try (RecordWriter w = up.openRecordWriter(block, true)) {
                    for (int row = block; row < ROWS; row += blocks) {
                        Record r = up.newRecord();
                        SdkValues.fill(r, AllTypesRows.values(p, row));
                        w.write(r);
                    }
                }
            }
            up.commit(new Long[] {0L, 1L});
        }
    }

    @AfterAll
    static void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void everyRowAndEveryValueReadsBackAtParallelismFour() throws Exception {
        List<Column> fields = new ArrayList<>(AllTypesRows.COLUMNS);
        fields.add(Column.of(AllTypesRows.PARTITION_KEY, "string"));
        BitSet seen = new BitSet();
        long rows = 0;
        try (CloseableIterator<Row> it = read(fields)) {
            while (it.hasNext()) {
                Row row = it.next();
                long id = (Long) row.getField(0);
                int p = AllTypesRows.partitionOf(id);
                int r = AllTypesRows.rowOf(id);
                int bit = p * ROWS + r;
                assertThat(seen.get(bit)).as("row %d read twice", id).isFalse();
                seen.set(bit);
                Object[] expected = AllTypesRows.values(p, r);
                for (int c = 0; c < expected.length; c++) {
                    assertThat(row.getField(c))
                            .as("row %d column %s", id, fields.get(c).name())
                            .isEqualTo(expected[c]);
                }
                assertThat(row.getField(expected.length)).isEqualTo(AllTypesRows.partitionValue(p));
                rows++;
            }
        }
        assertThat(rows).isEqualTo((long) PARTITIONS * ROWS);
        assertThat(seen.cardinality()).isEqualTo(PARTITIONS * ROWS);
    }

    @Test
    void projectionInNonTableOrderReturnsTheNamedColumns() throws Exception {
        List<String> names =
                List.of("c_nested", "ds", "c_string", "c_bigint", "c_binary", "c_timestamp");
        List<Column> fields = new ArrayList<>();
        for (String name : names) {
            fields.add(
                    name.equals(AllTypesRows.PARTITION_KEY)
                            ? Column.of(name, "string")
                            : AllTypesRows.COLUMNS.stream()
                                    .filter(c -> c.name().equals(name))
                                    .findFirst()
                                    .orElseThrow());
        }
        long rows = 0;
        try (CloseableIterator<Row> it = read(fields)) {
            while (it.hasNext()) {
                Row row = it.next();
                assertThat(row.getArity()).isEqualTo(names.size());
                long id = (Long) row.getField(3);
                int p = AllTypesRows.partitionOf(id);
                Object[] expected = AllTypesRows.values(p, AllTypesRows.rowOf(id));
                assertThat(row.getField(0)).as("c_nested of %d", id).isEqualTo(expected[19]);
                assertThat(row.getField(1)).isEqualTo(AllTypesRows.partitionValue(p));
                assertThat(row.getField(2)).as("c_string of %d", id).isEqualTo(expected[7]);
                assertThat(row.getField(4)).as("c_binary of %d", id).isEqualTo(expected[10]);
                assertThat(row.getField(5)).as("c_timestamp of %d", id).isEqualTo(expected[13]);
                rows++;
            }
        }
        assertThat(rows).isEqualTo((long) PARTITIONS * ROWS);
    }

    private static CloseableIterator<Row> read(List<Column> fields) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(4);
        TunnelSource<Row> source =
                TunnelSource.<Row>builder()
                        .setConnection(
                                TunnelConnectionOptions.builder()
                                        .endpoint(emulator.odpsEndpoint())
                                        .tunnelEndpoint(emulator.tunnelEndpoint())
                                        .project(PROJECT)
                                        .accessKey("ak", "sk")
                                        .build())
                        .setTable(TABLE)
                        .setDeserializer(RowTunnelRecordDeserializer.forColumns(fields))
                        .setSplitRows(10_000)
                        .setBounded()
                        .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "tunnel")
                .executeAndCollect();
    }
}
