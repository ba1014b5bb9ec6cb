package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.flink.source.PartitionReadiness;
import io.github.mctunnel.flink.source.SessionInvalidationPolicy;

import org.apache.flink.table.api.ValidationException;

import java.io.Serializable;
import java.time.Duration;

/**
 * The scan options of a {@code maxcompute} table, read and checked by the factory.
 *
 * @param splitRows rows per split
 * @param discoveryInterval partition discovery interval (continuous scan), or null (bounded)
 * @param startPartition the first partition to read, or null
 * @param onModifiedPartition what to do with an expired or invalidated download session
 * @param compression download compression
 * @param partitions the {@code partition} option's selection, or null for all partitions
 * @param parallelism the source parallelism, or null for the job's
 * @param readiness when a continuous scan reads a partition
 */
record ScanSettings(
        long splitRows,
        Duration discoveryInterval,
        String startPartition,
        SessionInvalidationPolicy onModifiedPartition,
        Compression compression,
        PartitionPattern partitions,
        Integer parallelism,
        PartitionReadiness readiness)
        implements Serializable {

    /** The readiness rule of the {@code scan.partition-readiness} options. */
    static PartitionReadiness readiness(PartitionReadiness.Kind kind, Duration quietPeriod) {
        String key = MaxComputeConnectorOptions.SCAN_PARTITION_READINESS_QUIET_PERIOD.key();
        if ((kind == PartitionReadiness.Kind.QUIET_PERIOD) != (quietPeriod != null)) {
            throw new ValidationException(
                    "Option '"
                            + key
                            + "' is needed with, and only with, 'scan.partition-readiness' ="
                            + " 'QUIET_PERIOD'");
        }
        try {
            return switch (kind) {
                case IMMEDIATELY -> PartitionReadiness.immediately();
                case NEWER_PARTITION_HAS_ROWS -> PartitionReadiness.whenNewerPartitionHasRows();
                case DONE_MARKER -> PartitionReadiness.whenDoneMarkerExists();
                case QUIET_PERIOD -> PartitionReadiness.afterQuietPeriod(quietPeriod);
            };
        } catch (IllegalArgumentException e) {
            throw new ValidationException("Option '" + key + "': " + e.getMessage(), e);
        }
    }
}
