package io.github.mctunnel.flink.source.table;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.http.Sleeper;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.Internal;

import java.io.IOException;

/**
 * Connects to a table through a {@link TunnelClient} built from the connection options (AccessKey
 * or credentials provider, see {@link TunnelConnectionOptions#credentialsProvider()}). Every
 * back-off wait of the client's retry policy counts as one retry in the metrics.
 */
@Internal
public final class TunnelTableReadClientFactory implements TableReadClientFactory {

    private static final long serialVersionUID = 1L;

    private final TunnelConnectionOptions options;
    private final String schema;
    private final String table;
    private final Compression compression;
    private final long rowsPerRequest;

    /**
     * @param schema the schema (namespace) of the table, or null
     */
    public TunnelTableReadClientFactory(
            TunnelConnectionOptions options,
            String schema,
            String table,
            Compression compression,
            long rowsPerRequest) {
        this.options = options;
        this.schema = schema;
        this.table = table;
        this.compression = compression;
        this.rowsPerRequest = rowsPerRequest;
    }

    @Override
    public TableReadClient connect(ReadMetrics metrics) throws IOException {
        Sleeper counting =
                millis -> {
                    metrics.retried();
                    Sleeper.SYSTEM.sleep(millis);
                };
        TunnelClient client = options.clientBuilder().sleeper(counting).build();
        return new TunnelTableReadClient(
                client,
                new TableIdentifier(options.project(), schema, table),
                compression,
                rowsPerRequest,
                metrics);
    }

    @Override
    public String toString() {
        return "TunnelTableReadClientFactory{"
                + options
                + ", table="
                + (schema == null ? "" : schema + ".")
                + table
                + ", compression="
                + compression
                + '}';
    }
}
