package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.testframe.external.ExternalSystemSplitDataWriter;
import org.apache.flink.connector.testframe.external.source.DataStreamSourceExternalContext;
import org.apache.flink.connector.testframe.external.source.TestingSourceSettings;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Flink's connector test framework context for {@link TunnelSource}: one fresh emulator table per
 * test case, partitioned by {@code ds}; every {@code writeRecords} call of a split writer commits
 * its records as a new partition (numbered in write order, so continuous mode discovers later
 * writes later), and the source emits the {@code name} column of each row. A partition is read as
 * one split by one reader, which keeps the written order.
 */
final class PartitionPerWriteContext implements DataStreamSourceExternalContext<String> {

    private static final AtomicInteger TABLES = new AtomicInteger();
    private static final int RECORDS_PER_WRITE = 150;

    private final EmulatorTables tables;
    private final String table;
    private final AtomicInteger nextPartition = new AtomicInteger();
    private final AtomicLong nextId = new AtomicLong();

    PartitionPerWriteContext(EmulatorTables tables) {
        this.tables = tables;
        this.table = "suite_" + TABLES.incrementAndGet();
        tables.sql(
                "CREATE TABLE " + table + " (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
    }

    @Override
    public Source<String, ?, ?> createSource(TestingSourceSettings settings) {
        TunnelSourceBuilder<String> builder =
                TunnelSource.<String>builder()
                        .setConnection(tables.connection())
                        .setTable(table)
                        .setDeserializer(new NameDeserializer());
        if (settings.getBoundedness() == Boundedness.CONTINUOUS_UNBOUNDED) {
            builder.setContinuous(Duration.ofMillis(100))
                    .setPartitionReadiness(PartitionReadiness.immediately());
        } else {
            builder.setBounded();
        }
        return builder.build();
    }

    @Override
    public ExternalSystemSplitDataWriter<String> createSourceSplitDataWriter(
            TestingSourceSettings settings) {
        return new ExternalSystemSplitDataWriter<>() {
            @Override
            public void writeRecords(List<String> records) {
                PartitionSpec partition =
                        PartitionSpec.parse("ds=" + nextPartition.getAndIncrement());
                List<Object[]> rows = new ArrayList<>(records.size());
                for (String record : records) {
                    rows.add(new Object[] {nextId.getAndIncrement(), record});
                }
                tables.emulator
                        .catalog()
                        .table(TableIdentifier.of(EmulatorTables.PROJECT, table))
                        .commit(Map.of(partition, rows), false);
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public List<String> generateTestData(
            TestingSourceSettings settings, int splitIndex, long seed) {
        List<String> records = new ArrayList<>(RECORDS_PER_WRITE);
        for (int i = 0; i < RECORDS_PER_WRITE; i++) {
            records.add("split-" + splitIndex + "-" + Long.toHexString(seed) + "-" + i);
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
        tables.sql("DROP TABLE IF EXISTS " + table);
    }

    @Override
    public String toString() {
        return "TunnelSource, one partition per write";
    }

    /** Emits the {@code name} column. */
    private static final class NameDeserializer implements TunnelRecordDeserializer<String> {

        private static final long serialVersionUID = 1L;

        @Override
        public List<String> open(TableSchema schema) {
            return List.of("name");
        }

        @Override
        public String deserialize(Object[] values, PartitionSpec partition) {
            return (String) values[0];
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }
}
