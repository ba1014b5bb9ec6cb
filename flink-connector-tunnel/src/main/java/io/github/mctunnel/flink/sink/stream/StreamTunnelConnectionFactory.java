package io.github.mctunnel.flink.sink.stream;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.io.Serializable;

/** Creates the connection of one sink writer; shipped to the task managers with the sink. */
@Internal
@FunctionalInterface
public interface StreamTunnelConnectionFactory extends Serializable {

    StreamTunnelConnection connect() throws IOException;
}
