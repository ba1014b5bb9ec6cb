package io.github.mctunnel.flink.sink.stream;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.annotation.Internal;

import java.io.IOException;

/**
 * The part of the stream tunnel a sink writer uses: the table's schema and one record pack per
 * partition. Production code talks to the service through the Tunnel client; tests use doubles.
 */
@Internal
public interface StreamTunnelConnection extends AutoCloseable {

    /** The table's data columns and partition keys. */
    TableSchema schema() throws IOException;

    /**
     * Opens a stream session for {@code partition} (empty for a non-partitioned table) and returns
     * a pack writing into it.
     */
    RecordPack openPack(PartitionSpec partition) throws IOException;

    /**
     * Releases the session behind a pack that is no longer used (flushed beforehand). The stream
     * tunnel has no call to close a session: the service frees its slots once it is idle.
     */
    void releasePack(RecordPack pack) throws IOException;

    /** Stream sessions this connection holds now. */
    int openSessions();

    /** Sessions replaced by a new one before their lifetime ended (the writer's clock). */
    default long renewedSessions() {
        return 0;
    }

    /**
     * Sessions the service no longer knew at a flush (expired): each was replaced and its refused
     * pack sent again through the new session.
     */
    default long expiredSessions() {
        return 0;
    }

    @Override
    void close() throws IOException;
}
