package io.github.mctunnel.flink.source.table;

import io.github.mctunnel.client.schema.PartitionSpec;

import org.apache.flink.annotation.Internal;

import java.util.Objects;

/**
 * A created download session: its id, partition and row count.
 *
 * @param partition the partition, empty for a non-partitioned table
 */
@Internal
public record DownloadSessionInfo(String id, PartitionSpec partition, long recordCount) {

    public DownloadSessionInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(partition, "partition");
        if (recordCount < 0) {
            throw new IllegalArgumentException("recordCount must be >= 0, got " + recordCount);
        }
    }
}
