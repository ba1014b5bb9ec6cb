package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.source.table.DownloadSessionInfo;
import io.github.mctunnel.flink.source.table.ReadMetrics;
import io.github.mctunnel.flink.source.table.RowRangeReader;
import io.github.mctunnel.flink.source.table.TableReadClient;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table {@code (id BIGINT, name STRING) PARTITIONED BY (ds STRING)} in memory, served as a {@link
 * TableReadClientFactory}; counts sessions and remembers the ranges read.
 */
final class InMemoryTable implements TableReadClientFactory {

    private static final long serialVersionUID = 1L;

    final Map<String, List<Object[]>> partitions = new LinkedHashMap<>();
    final List<String> sessions = new ArrayList<>();
    final List<String> ranges = new ArrayList<>();
    int openClients;

    void put(String partition, Object[]... rows) {
        partitions.put(PartitionSpec.parse(partition).toString(), List.of(rows));
    }

    @Override
    public TableReadClient connect(ReadMetrics metrics) {
        openClients++;
        return new TableReadClient() {
            @Override
            public TableSchema tableSchema() {
                return new TableSchema(
                        List.of(Column.of("id", "bigint"), Column.of("name", "string")),
                        List.of(Column.of("ds", "string")));
            }

            @Override
            public List<PartitionSpec> listPartitions() {
                List<PartitionSpec> out = new ArrayList<>();
                for (String p : partitions.keySet()) {
                    out.add(PartitionSpec.parse(p));
                }
                return out;
            }

            @Override
            public DownloadSessionInfo createSession(PartitionSpec partition) {
                sessions.add(partition.toString());
                return new DownloadSessionInfo(
                        partition.toString(),
                        partition,
                        partitions.get(partition.toString()).size());
            }

            @Override
            public TableSchema sessionSchema(String sessionId, PartitionSpec partition) {
                return tableSchema();
            }

            @Override
            public RowRangeReader openRange(
                    String sessionId,
                    PartitionSpec partition,
                    long start,
                    long end,
                    List<String> columns) {
                ranges.add(sessionId + "[" + start + "," + end + ")" + columns);
                List<Object[]> rows = partitions.get(sessionId);
                return new RowRangeReader() {
                    long next = start;

                    @Override
                    public Object[] read() {
                        if (next >= end) {
                            return null;
                        }
                        Object[] row = rows.get((int) next++);
                        Object[] out = new Object[columns.size()];
                        for (int i = 0; i < out.length; i++) {
                            out[i] = row[columns.get(i).equals("id") ? 0 : 1];
                        }
                        return out;
                    }

                    @Override
                    public void close() {}
                };
            }

            @Override
            public void close() {
                openClients--;
            }
        };
    }
}
