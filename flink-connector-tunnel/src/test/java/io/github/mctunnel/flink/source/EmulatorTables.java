package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An emulator with helpers to create tables and commit rows through the tunnel client. */
final class EmulatorTables implements AutoCloseable {

    static final String PROJECT = "p";
    static final String AK = "ak";
    static final String SK = "sk";

    final TunnelEmulator emulator;
    final TunnelClient client;

    EmulatorTables(EmulatorLimits limits) throws IOException {
        emulator =
                TunnelEmulator.builder()
                        .project(PROJECT)
                        .credentials(AK, SK)
                        .limits(limits)
                        .build()
                        .start();
        client =
                TunnelClient.builder()
                        .odpsEndpoint(emulator.odpsEndpoint())
                        .tunnelEndpoint(emulator.tunnelEndpoint())
                        .project(PROJECT)
                        .credentialsProvider(StaticCredentialsProvider.of(AK, SK))
                        .build();
    }

    TunnelConnectionOptions connection() {
        return TunnelConnectionOptions.builder()
                .endpoint(emulator.odpsEndpoint())
                .tunnelEndpoint(emulator.tunnelEndpoint())
                .project(PROJECT)
                .accessKey(AK, SK)
                .build();
    }

    void sql(String sql) {
        emulator.executeSql(PROJECT, sql);
    }

    /**
     * Adds the partition (if partitioned) and commits rows {@code (id, "name-" + id)} for ids
     * {@code [from, from + count)}; returns them as {@code "<partition>|id|name"} strings.
     */
    List<String> write(String table, String partition, long from, int count) throws IOException {
        PartitionSpec p = PartitionSpec.parse(partition);
        if (!p.isEmpty()) {
            sql(
                    "ALTER TABLE "
                            + table
                            + " ADD IF NOT EXISTS PARTITION ("
                            + p.toQuotedString()
                            + ")");
        }
        UploadSession s = client.createUploadSession(client.table(table), p, false);
        List<String> expected = new ArrayList<>(count);
        s.writeRecords(
                0,
                Compression.RAW,
                w -> {
                    for (long id = from; id < from + count; id++) {
                        w.write(new Object[] {id, "name-" + id});
                    }
                });
        s.commit(List.of(0L));
        for (long id = from; id < from + count; id++) {
            expected.add(line(p.isEmpty() ? "" : p.get("ds"), id, "name-" + id));
        }
        return expected;
    }

    /**
     * Commits {@code count} rows to each of these {@code ds} partitions of a table partitioned by
     * {@code ds} in one atomic catalog commit (the partitions appear together, with their rows),
     * ids from {@code from} on across the partitions in the given order; returns the rows as {@link
     * #line} strings in that order.
     */
    List<String> commitTogether(String table, long from, int count, String... dsValues) {
        Map<PartitionSpec, List<Object[]>> rows = new LinkedHashMap<>();
        List<String> expected = new ArrayList<>();
        long id = from;
        for (String ds : dsValues) {
            List<Object[]> partitionRows = new ArrayList<>(count);
            for (int i = 0; i < count; i++, id++) {
                partitionRows.add(new Object[] {id, "name-" + id});
                expected.add(line(ds, id, "name-" + id));
            }
            rows.put(PartitionSpec.parse("ds=" + ds), partitionRows);
        }
        emulator.catalog().table(TableIdentifier.of(PROJECT, table)).commit(rows, false);
        return expected;
    }

    static String line(String ds, long id, String name) {
        return ds + "|" + id + "|" + name;
    }

    @Override
    public void close() throws IOException {
        client.close();
        emulator.close();
    }
}
