package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.flink.source.SessionInvalidationPolicy;

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
 */
record ScanSettings(
        long splitRows,
        Duration discoveryInterval,
        String startPartition,
        SessionInvalidationPolicy onModifiedPartition,
        Compression compression,
        PartitionPattern partitions,
        Integer parallelism)
        implements Serializable {}
