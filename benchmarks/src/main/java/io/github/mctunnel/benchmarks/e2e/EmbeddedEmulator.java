package io.github.mctunnel.benchmarks.e2e;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.emulator.TunnelEmulator;

import java.io.IOException;
import java.util.stream.Collectors;

/**
 * The emulator as the benchmark runs it: a {@link TunnelEmulator} in this JVM on loopback, with an
 * in-memory catalog, the service's default limits (no bandwidth cap) and signature verification on,
 * and a {@link TunnelClient} pointed at it.
 */
final class EmbeddedEmulator implements AutoCloseable {

    static final String PROJECT = "bench";
    private static final String ACCESS_ID = "bench-id";
    private static final String ACCESS_KEY = "bench-key";

    private final TunnelEmulator emulator;

    private EmbeddedEmulator(TunnelEmulator emulator) {
        this.emulator = emulator;
    }

    static EmbeddedEmulator start() throws IOException {
        return new EmbeddedEmulator(
                TunnelEmulator.builder()
                        .project(PROJECT)
                        .credentials(ACCESS_ID, ACCESS_KEY)
                        .build()
                        .start());
    }

    /** A client with a connection pool of {@code connections}. */
    TunnelClient client(int connections) {
        return TunnelClient.builder()
                .odpsEndpoint(emulator.odpsEndpoint())
                .tunnelEndpoint(emulator.tunnelEndpoint())
                .project(PROJECT)
                .credentialsProvider(StaticCredentialsProvider.of(ACCESS_ID, ACCESS_KEY))
                .maxConnections(connections)
                .build();
    }

    /** Creates a table through the emulator's SQL DDL. */
    TableIdentifier createTable(String name, TableSchema schema) {
        String columns =
                schema.columns().stream()
                        .map(EmbeddedEmulator::ddl)
                        .collect(Collectors.joining(", "));
        emulator.executeSql(PROJECT, "CREATE TABLE " + name + " (" + columns + ")");
        return TableIdentifier.of(PROJECT, name);
    }

    private static String ddl(Column c) {
        return c.name() + " " + c.type() + (c.nullable() ? "" : " NOT NULL");
    }

    @Override
    public void close() {
        emulator.close();
    }
}
