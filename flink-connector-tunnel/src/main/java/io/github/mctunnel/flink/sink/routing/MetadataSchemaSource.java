package io.github.mctunnel.flink.sink.routing;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.client.SharedTunnelClients;
import io.github.mctunnel.flink.client.TunnelClientLease;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.Internal;

import java.io.IOException;

/** The table's schema from the metadata service, through the JVM-shared Tunnel client. */
@Internal
public final class MetadataSchemaSource implements TableSchemaSource {

    private static final long serialVersionUID = 1L;

    private final TunnelConnectionOptions connection;
    private final String table;

    public MetadataSchemaSource(TunnelConnectionOptions connection, String table) {
        this.connection = connection;
        this.table = table;
    }

    @Override
    public TableSchema fetch() throws IOException {
        try (TunnelClientLease lease = SharedTunnelClients.jvm().acquire(connection)) {
            TunnelClient client = lease.client();
            return client.getTable(client.table(table)).schema();
        }
    }
}
