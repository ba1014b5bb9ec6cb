package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.flink.source.RowDataTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.enumerator.PartitionOrder;
import io.github.mctunnel.flink.source.table.DownloadSessionInfo;
import io.github.mctunnel.flink.source.table.ReadMetrics;
import io.github.mctunnel.flink.source.table.RowRangeReader;
import io.github.mctunnel.flink.source.table.SessionInvalidatedException;
import io.github.mctunnel.flink.source.table.TableReadClient;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;

import org.apache.flink.table.data.RowData;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads the rows a lookup table holds in memory: the table, its partitions selected by {@code
 * lookup.partition}, or its latest partition. One download session per partition, each created when
 * the load's {@link SessionGate} allows (paced per {@code lookup.session-budget}); the sessions'
 * row counts are checked against {@code lookup.max-rows} before any row is downloaded, and the
 * rows' estimated size ({@link RowSizes}) against {@code lookup.max-bytes} as they arrive. Rows
 * come out one by one with the lookup's columns (new objects, safe to keep).
 *
 * <p>A download that fails (after the client's own request retries) is resumed at the next unread
 * row of the same session, after the back-off of the load's {@link LoadAttempts}, so no row is read
 * twice; a session that became invalid (the partition was modified) cannot be resumed and fails the
 * reader ({@link SessionInvalidatedException}).
 */
final class TableSnapshotReader implements Closeable {

    private final TableReadClient client;
    private final String tableName;
    private final RowDataTunnelRecordDeserializer deserializer;
    private final LoadAttempts attempts;
    private final SessionGate gate;
    private final LookupSettings settings;
    private final List<DownloadSessionInfo> sessions = new ArrayList<>();

    /** Estimated bytes of the rows read so far. */
    private long bytes;

    private long rowsRead;
    private List<String> columns;
    private TypeInfo[] columnTypes;
    private int nextSession;
    private DownloadSessionInfo session;
    private long position;
    private RowRangeReader range;

    /**
     * Opens download sessions for the selected partitions.
     *
     * @param attempts the load's attempts, which downloads that fail are resumed against
     * @param gate passed before each download session is created (pacing)
     * @throws IOException when the service fails, or {@link LookupLoadException} when the rows
     *     exceed {@code maxRows} (the message names the table, both numbers and the option)
     */
    TableSnapshotReader(
            TableReadClientFactory clientFactory,
            String tableName,
            RowDataTunnelRecordDeserializer deserializer,
            LookupSettings settings,
            LoadAttempts attempts,
            SessionGate gate)
            throws IOException {
        this.client = clientFactory.connect(ReadMetrics.NONE);
        this.tableName = tableName;
        this.deserializer = deserializer;
        this.attempts = attempts;
        this.gate = gate;
        this.settings = settings;
        try {
            long rows = 0;
            TableSchema schema = client.tableSchema();
            List<PartitionSpec> partitions = partitions(schema, settings);
            if (settings.latestPartition() && schema.isPartitioned()) {
                sessions.addAll(latestSessions(partitions));
            } else {
                for (PartitionSpec p : partitions) {
                    sessions.add(createSession(p));
                }
            }
            for (DownloadSessionInfo s : sessions) {
                rows += s.recordCount();
            }
            if (rows > settings.maxRows()) {
                throw new LookupLoadException(
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
                                + "'",
                        null);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private List<PartitionSpec> partitions(TableSchema schema, LookupSettings settings)
            throws IOException {
        if (!schema.isPartitioned()) {
            return List.of(PartitionSpec.empty());
        }
        List<PartitionSpec> selected = new ArrayList<>();
        for (PartitionSpec p : client.listPartitions()) {
            if (settings.partitions() == null || settings.partitions().test(p)) {
                selected.add(p);
            }
        }
        return selected;
    }

    /**
     * Like MaxCompute's {@code max_pt()}: the greatest value of the first partition key (in {@link
     * PartitionOrder#compareValues service order}) whose partitions hold rows, with all its
     * sub-partitions. Partitions are often added before their data is committed, so greater values
     * whose partitions are all empty are passed over. Sessions are created from the greatest value
     * down until one has rows.
     */
    private List<DownloadSessionInfo> latestSessions(List<PartitionSpec> all) throws IOException {
        TreeMap<String, List<PartitionSpec>> byFirstValue =
                new TreeMap<>(PartitionOrder::compareValues);
        for (PartitionSpec p : all) {
            String first = p.values().values().iterator().next();
            byFirstValue.computeIfAbsent(first, k -> new ArrayList<>()).add(p);
        }
        for (List<PartitionSpec> group : byFirstValue.descendingMap().values()) {
            group.sort(PartitionOrder.INSTANCE);
            List<DownloadSessionInfo> created = new ArrayList<>();
            long rows = 0;
            for (PartitionSpec p : group) {
                DownloadSessionInfo s = createSession(p);
                created.add(s);
                rows += s.recordCount();
            }
            if (rows > 0) {
                return created;
            }
        }
        return List.of();
    }

    private DownloadSessionInfo createSession(PartitionSpec p) throws IOException {
        gate.acquire();
        return client.createSession(p);
    }

    /** The next row, or null after the last one. */
    RowData next() throws IOException {
        while (true) {
            if (range != null) {
                RecordView row;
                try {
                    row = range.next();
                } catch (SessionInvalidatedException e) {
                    throw e;
                } catch (IOException e) {
                    closeRange();
                    attempts.retryAfter(e);
                    openRange();
                    continue;
                }
                if (row != null) {
                    position++;
                    rowsRead++;
                    bytes += RowSizes.estimate(row, columnTypes);
                    if (bytes > settings.maxBytes().getBytes()) {
                        throw tooLarge();
                    }
                    return deserializer.deserialize(row, session.partition());
                }
                closeRange();
            }
            if (nextSession >= sessions.size()) {
                return null;
            }
            DownloadSessionInfo s = sessions.get(nextSession++);
            if (s.recordCount() == 0) {
                continue;
            }
            session = s;
            position = 0;
            openRange();
        }
    }

    /** Opens the current session's rows from {@link #position} on, retrying a failed opening. */
    private void openRange() throws IOException {
        while (true) {
            try {
                if (columns == null) {
                    TableSchema schema = client.sessionSchema(session.id(), session.partition());
                    columns = deserializer.open(schema);
                    columnTypes =
                            schema.project(columns).columns().stream()
                                    .map(Column::type)
                                    .toArray(TypeInfo[]::new);
                }
                range =
                        client.openRange(
                                session.id(),
                                session.partition(),
                                position,
                                session.recordCount(),
                                columns);
                return;
            } catch (SessionInvalidatedException e) {
                throw e;
            } catch (IOException e) {
                attempts.retryAfter(e);
            }
        }
    }

    private void closeRange() {
        if (range != null) {
            range.close();
            range = null;
        }
    }

    private LookupLoadException tooLarge() {
        return new LookupLoadException(
                "Lookup table "
                        + tableName
                        + " takes more memory than '"
                        + MaxComputeLookupOptions.LOOKUP_MAX_BYTES.key()
                        + "' = "
                        + settings.maxBytes()
                        + " allows: "
                        + bytes
                        + " bytes (estimated) after "
                        + rowsRead
                        + (rowsRead == 1 ? " row" : " rows")
                        + (session.partition().isEmpty()
                                ? ""
                                : ", reading partition " + session.partition())
                        + "; raise the option (and the task memory) or select fewer partitions"
                        + " with '"
                        + MaxComputeLookupOptions.LOOKUP_PARTITION.key()
                        + "'",
                null);
    }

    String tableName() {
        return tableName;
    }

    /** What a load passes before it creates a download session. */
    @FunctionalInterface
    interface SessionGate {

        void acquire() throws IOException;
    }

    @Override
    public void close() throws IOException {
        closeRange();
        client.close();
    }
}
