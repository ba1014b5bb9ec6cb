package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.emulator.TunnelEmulator;

import java.io.IOException;
import java.util.List;

/** Commits rows into emulator tables through the Tunnel client (test data for SQL ITCases). */
public final class EmulatorRows {

    private EmulatorRows() {}

    /** Adds the partition (if any) and commits {@code rows} (values in column order). */
    public static void write(
            TunnelEmulator emulator, String table, String partition, List<Object[]> rows)
            throws IOException {
        PartitionSpec p = PartitionSpec.parse(partition);
        if (!p.isEmpty()) {
            emulator.executeSql(
                    "ALTER TABLE "
                            + table
                            + " ADD IF NOT EXISTS PARTITION ("
                            + p.toQuotedString()
                            + ")");
        }
        try (TunnelClient client =
                TunnelClient.builder()
                        .odpsEndpoint(emulator.odpsEndpoint())
                        .tunnelEndpoint(emulator.tunnelEndpoint())
                        .project(emulator.defaultProject())
                        .credentialsProvider(StaticCredentialsProvider.of("ak", "sk"))
                        .build()) {
            UploadSession s = client.createUploadSession(client.table(table), p, false);
            s.writeRecords(
                    0,
                    Compression.RAW,
                    w -> {
                        for (Object[] row : rows) {
                            w.write(row);
                        }
                    });
            s.commit(List.of(0L));
        }
    }
}
