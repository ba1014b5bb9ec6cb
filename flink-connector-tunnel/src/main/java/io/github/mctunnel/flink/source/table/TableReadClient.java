package io.github.mctunnel.flink.source.table;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.annotation.Internal;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * What the source needs from the service for one table: its schema and partitions, download
 * sessions, and row ranges. Errors are retried by the implementation per the service policy; what
 * is thrown is final. An expired or invalidated download session is reported as {@link
 * SessionInvalidatedException}.
 */
@Internal
public interface TableReadClient extends Closeable {

    /** The table's data columns and partition keys. */
    TableSchema tableSchema() throws IOException;

    /** All partitions of a partitioned table, in any order. */
    List<PartitionSpec> listPartitions() throws IOException;

    /**
     * The row count in the partition's metadata, without a download session; -1 when the service
     * does not say.
     */
    default long partitionRecordCount(PartitionSpec partition) throws IOException {
        return -1;
    }

    /** Creates a download session (counts toward the service's session-creation budget). */
    DownloadSessionInfo createSession(PartitionSpec partition) throws IOException;

    /** The schema the session serves (attaches to it by id). */
    TableSchema sessionSchema(String sessionId, PartitionSpec partition) throws IOException;

    /**
     * Opens rows {@code [start, end)} of a session, with the data columns {@code columns} in that
     * order.
     */
    RowRangeReader openRange(
            String sessionId, PartitionSpec partition, long start, long end, List<String> columns)
            throws IOException;
}
