package io.github.mctunnel.flink.sink.stream;

import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.io.Serializable;

/** Creates the connection of one sink writer; shipped to the task managers with the sink. */
@Internal
@FunctionalInterface
public interface StreamTunnelConnectionFactory extends Serializable {

    StreamTunnelConnection connect() throws IOException;

    /**
     * The table's schema, for routing rows before the writers. By default through a connection; the
     * client factory asks the metadata service instead (opening no stream session).
     */
    default TableSchema tableSchema() throws IOException {
        try (StreamTunnelConnection connection = connect()) {
            return connection.schema();
        }
    }
}
