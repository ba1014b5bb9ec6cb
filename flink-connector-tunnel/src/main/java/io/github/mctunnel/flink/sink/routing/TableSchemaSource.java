package io.github.mctunnel.flink.sink.routing;

import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.io.Serializable;

/** Looks up the target table's schema where the rows are routed (once per upstream subtask). */
@Internal
@FunctionalInterface
public interface TableSchemaSource extends Serializable {

    TableSchema fetch() throws IOException;
}
