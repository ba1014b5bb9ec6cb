package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.annotation.Internal;

/** The Delta table a writer or the committer works on: its schema and its upsert sessions. */
@Internal
interface UpsertTable extends AutoCloseable {

    /** {@code project.table}, for messages. */
    String name();

    /** Data columns and partition keys, read from the table's metadata. */
    TableSchema schema() throws TunnelException;

    /**
     * Opens a session of {@code partition} with {@code slots} slots, creating the partition when it
     * does not exist.
     */
    UpsertSessionHandle createSession(PartitionSpec partition, int slots) throws TunnelException;

    /** Re-opens the session {@code id} of {@code partition} and reads its status. */
    UpsertSessionHandle attachSession(PartitionSpec partition, String id) throws TunnelException;

    /** Releases the connection. */
    @Override
    void close();
}
