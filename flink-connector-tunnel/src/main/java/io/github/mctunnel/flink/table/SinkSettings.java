package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.compress.Compression;

import org.apache.flink.connector.base.DeliveryGuarantee;

import java.io.Serializable;
import java.time.Duration;

/**
 * The sink options of a {@code maxcompute} table, read and checked by the factory.
 *
 * @param deliveryGuarantee at-least-once (stream tunnel), exactly-once (regular tunnel) or none
 * @param flushMaxRows at-least-once: rows after which a partition's buffer is sent
 * @param flushMaxBytes at-least-once: buffered bytes that trigger a send; exactly-once: the block
 *     size; upsert: the buffered bytes that flush a writer's buckets; null for the sink's default
 * @param flushInterval at-least-once: the timer interval (zero: none)
 * @param dynamicPartitionMax partitions all writers write at once (at-least-once, none) or
 *     partitions per checkpoint (exactly-once), or null for the sink's default
 * @param parallelism the sink parallelism, or null for the job's
 * @param writersPerPartition the most writer subtasks a partition's rows are routed to, or null for
 *     the sink's default
 * @param upsertCommitInterval PRIMARY KEY tables: least time between two commits of a partition
 * @param partitionIdleTimeout at-least-once, none: how long the service holds a partition's stream
 *     slots after its last flush
 * @param compression compression of what the sinks send (packs, blocks, upsert packs)
 */
record SinkSettings(
        DeliveryGuarantee deliveryGuarantee,
        int flushMaxRows,
        Long flushMaxBytes,
        Duration flushInterval,
        Integer dynamicPartitionMax,
        Integer parallelism,
        Integer writersPerPartition,
        Duration upsertCommitInterval,
        Duration partitionIdleTimeout,
        Compression compression)
        implements Serializable {}
