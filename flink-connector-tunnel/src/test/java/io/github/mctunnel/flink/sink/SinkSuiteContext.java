package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.flink.config.TableWriteLimits;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.DataStreamSinkV2ExternalContext;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Flink's connector test framework context for the Tunnel sinks: one fresh emulator table per test
 * case, partitioned by {@code ds} into {@link #PARTITIONS} dynamic partitions taken from each
 * record. The test semantics choose the sink: {@code EXACTLY_ONCE} is {@link TunnelExactlyOnceSink}
 * (regular tunnel), {@code AT_LEAST_ONCE} is {@link TunnelSink} (stream tunnel). The reader returns
 * the rows committed to the table that it has not returned before.
 */
final class SinkSuiteContext implements DataStreamSinkV2ExternalContext<String> {

    static final int PARTITIONS = 2;

    /**
     * The suite checkpoints every 50 ms, which exceeds the table's public block, session and commit
     * rates for the exactly-once sink; the emulator of the suite is configured with the same.
     */
    static final TableWriteLimits SUITE_LIMITS = new TableWriteLimits(100_000, 100_000, 32, 10_000);

    private static final AtomicInteger TABLES = new AtomicInteger();

    private final TunnelEmulator emulator;
    private final String table;

    SinkSuiteContext(TunnelEmulator emulator) {
        this.emulator = emulator;
        this.table = "sink_suite_" + TABLES.incrementAndGet();
        emulator.executeSql("CREATE TABLE " + table + " (v STRING) PARTITIONED BY (ds STRING)");
    }

    @Override
    public Sink<String> createSink(TestingSinkSettings settings) {
        // compared by name: the getter's enum type differs between Flink 2.2 and 2.3
        if ("EXACTLY_ONCE".equals(String.valueOf(settings.getCheckpointingMode()))) {
            return TunnelExactlyOnceSink.<String>builder()
                    .setConnection(TunnelSinkEmulatorITCase.connection(emulator))
                    .setTable(table)
                    .setSerializer(new ValueSerializer())
                    .setDynamicPartition()
                    .setMaxPartitionsPerCheckpoint(PARTITIONS)
                    .setTableLimits(SUITE_LIMITS)
                    .build();
        }
        return TunnelSink.<String>builder()
                .setConnection(TunnelSinkEmulatorITCase.connection(emulator))
                .setTable(table)
                .setSerializer(new ValueSerializer())
                .setDynamicPartition()
                .build();
    }

    @Override
    public ExternalSystemDataReader<String> createSinkDataReader(TestingSinkSettings settings) {
        return new CommittedRowsReader();
    }

    @Override
    public List<String> generateTestData(TestingSinkSettings settings, long seed) {
        Random random = new Random(seed);
        int count = 200 + random.nextInt(200);
        List<String> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(i + "-" + Long.toHexString(random.nextLong()));
        }
        return records;
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }

    @Override
    public List<URL> getConnectorJarPaths() {
        return List.of();
    }

    @Override
    public void close() {
        emulator.executeSql("DROP TABLE IF EXISTS " + table);
    }

    @Override
    public String toString() {
        return "Tunnel sinks, " + PARTITIONS + " dynamic partitions";
    }

    static String partitionOf(String value) {
        return "p" + Math.floorMod(value.hashCode(), PARTITIONS);
    }

    /** The record is the {@code v} column; its hash picks the {@code ds} partition. */
    private static final class ValueSerializer implements TunnelRecordSerializer<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public void serialize(String element, RecordFieldWriter record) {
            record.setString(0, element);
            if (record.fieldCount() > 1) {
                record.setString(1, partitionOf(element));
            }
        }
    }

    /** Returns each committed row once, checking that it sits in its record's partition. */
    private final class CommittedRowsReader implements ExternalSystemDataReader<String> {
        private final Map<String, Integer> returned = new HashMap<>();

        @Override
        public List<String> poll(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                List<String> fresh = unseenRows();
                if (!fresh.isEmpty() || System.nanoTime() >= deadline) {
                    return fresh;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return fresh;
                }
            }
        }

        private List<String> unseenRows() {
            Map<String, Integer> counts = new HashMap<>();
            List<String> fresh = new ArrayList<>();
            TableIdentifier id = TableIdentifier.of(emulator.defaultProject(), table);
            for (int p = 0; p < PARTITIONS; p++) {
                PartitionSpec partition = PartitionSpec.parse("ds=p" + p);
                if (!emulator.catalog().table(id).hasPartition(partition)) {
                    continue;
                }
                for (Object[] row : emulator.committedRows(id, partition)) {
                    String v =
                            row[0] instanceof byte[]
                                    ? new String((byte[]) row[0], StandardCharsets.UTF_8)
                                    : (String) row[0];
                    if (!partitionOf(v).equals("p" + p)) {
                        throw new AssertionError(v + " was written to partition ds=p" + p);
                    }
                    int n = counts.merge(v, 1, Integer::sum);
                    if (n > returned.getOrDefault(v, 0)) {
                        returned.put(v, n);
                        fresh.add(v);
                    }
                }
            }
            return fresh;
        }

        @Override
        public void close() {}
    }
}
