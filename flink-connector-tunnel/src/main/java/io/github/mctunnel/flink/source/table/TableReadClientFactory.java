package io.github.mctunnel.flink.source.table;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.io.Serializable;

/** Connects the enumerator and each reader to the service; shipped with the source. */
@Internal
@FunctionalInterface
public interface TableReadClientFactory extends Serializable {

    /**
     * @param metrics receives bytes read and retries
     */
    TableReadClient connect(ReadMetrics metrics) throws IOException;
}
