package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.source.RowDataTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.table.DownloadSessionInfo;
import io.github.mctunnel.flink.source.table.ReadMetrics;
import io.github.mctunnel.flink.source.table.RowRangeReader;
import io.github.mctunnel.flink.source.table.TableReadClient;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;

import org.apache.flink.table.data.RowData;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads the rows a lookup table holds in memory: the table, its partitions selected by {@code
 * lookup.partition}, or its latest partition. One download session per partition; the sessions' row
 * counts are checked against {@code lookup.max-rows} before any row is downloaded. Rows come out
 * one by one with the lookup's columns (new objects, safe to keep).
 */
final class TableSnapshotReader implements Closeable {

    private final TableReadClient client;
    private final String tableName;
    private final RowDataTunnelRecordDeserializer deserializer;
    private final List<DownloadSessionInfo> sessions = new ArrayList<>();
    private List<String> columns;
    private int nextSession;
    private RowRangeReader range;
    private PartitionSpec partition;

    /**
     * Opens download sessions for the selected partitions.
     *
     * @throws IOException when the service fails, or when the rows exceed {@code maxRows} (the
     *     message names the table, both numbers and the option)
     */
    TableSnapshotReader(
            TableReadClientFactory clientFactory,
            String tableName,
            RowDataTunnelRecordDeserializer deserializer,
            LookupSettings settings)
            throws IOException {
        this.client = clientFactory.connect(ReadMetrics.NONE);
        this.tableName = tableName;
        this.deserializer = deserializer;
        try {
            long rows = 0;
            for (PartitionSpec p : partitions(settings)) {
                DownloadSessionInfo s = client.createSession(p);
                sessions.add(s);
                rows += s.recordCount();
            }
            if (rows > settings.maxRows()) {
                throw new IOException(
                        "Lookup table "
                                + tableName
                                + " has "
                                + rows
                                + " rows"
                                + (settings.latestPartition()
                                        ? " in its latest partition"
                                        : settings.partitions() != null
                                                ? " in the partitions '"
                                                        + settings.partitionOption()
                                                        + "'"
                                                : "")
                                + ", more than '"
                                + MaxComputeLookupOptions.LOOKUP_MAX_ROWS.key()
                                + "' = "
                                + settings.maxRows()
                                + " allows in memory; raise the option (and the task memory) or"
                                + " select fewer partitions with '"
                                + MaxComputeLookupOptions.LOOKUP_PARTITION.key()
                                + "'");
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private List<PartitionSpec> partitions(LookupSettings settings) throws IOException {
        TableSchema schema = client.tableSchema();
        if (!schema.isPartitioned()) {
            return List.of(PartitionSpec.empty());
        }
        List<PartitionSpec> selected = new ArrayList<>();
        for (PartitionSpec p : client.listPartitions()) {
            if (settings.partitions() == null || settings.partitions().test(p)) {
                selected.add(p);
            }
        }
        if (settings.latestPartition()) {
            return selected.stream()
                    .max(Comparator.comparing(PartitionSpec::toString))
                    .map(List::of)
                    .orElse(List.of());
        }
        return selected;
    }

    /** The next row, or null after the last one. */
    RowData next() throws IOException {
        while (true) {
            if (range != null) {
                Object[] row = range.read();
                if (row != null) {
                    return deserializer.deserialize(row, partition);
                }
                range.close();
                range = null;
            }
            if (nextSession >= sessions.size()) {
                return null;
            }
            DownloadSessionInfo s = sessions.get(nextSession++);
            if (s.recordCount() == 0) {
                continue;
            }
            partition = s.partition();
            if (columns == null) {
                columns = deserializer.open(client.sessionSchema(s.id(), partition));
            }
            range = client.openRange(s.id(), partition, 0, s.recordCount(), columns);
        }
    }

    String tableName() {
        return tableName;
    }

    @Override
    public void close() throws IOException {
        if (range != null) {
            range.close();
            range = null;
        }
        client.close();
    }
}
