package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.catalog.TableState;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream upload session: a number of slots, data visible per flush. A dynamic-partition session
 * has no fixed partition ({@link #partition()} is empty) and records the partitions it wrote.
 */
final class StreamUploadSession extends TunnelSession {

    private final int slotCount;
    private final boolean dynamicPartition;
    private final boolean createPartition;
    private final Set<PartitionSpec> writtenPartitions = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastBatchId = new AtomicLong(-1);
    private volatile Instant lastBatchTime;

    StreamUploadSession(
            String id,
            TableState table,
            PartitionSpec partition,
            int slotCount,
            boolean dynamicPartition,
            boolean createPartition,
            Instant created,
            Instant expiresAt) {
        super(id, table, partition, created, expiresAt);
        this.slotCount = slotCount;
        this.dynamicPartition = dynamicPartition;
        this.createPartition = createPartition;
    }

    int slotCount() {
        return slotCount;
    }

    boolean dynamicPartition() {
        return dynamicPartition;
    }

    boolean createPartition() {
        return createPartition;
    }

    /** Partitions this session holds: its own, or those a dynamic session wrote. */
    Set<PartitionSpec> partitions() {
        return dynamicPartition ? Set.copyOf(writtenPartitions) : Set.of(partition());
    }

    void wrote(PartitionSpec p) {
        if (dynamicPartition) {
            writtenPartitions.add(p);
        }
    }

    long nextBatchId(Instant now) {
        long id = lastBatchId.incrementAndGet();
        lastBatchTime = now;
        return id;
    }

    long lastBatchId() {
        return lastBatchId.get();
    }

    Instant lastBatchTime() {
        return lastBatchTime;
    }
}
