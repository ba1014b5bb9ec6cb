package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.catalog.TableState;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream upload session: a number of slots, data visible per flush. A dynamic-partition session
 * has no fixed partition ({@link #partition()} is empty) and records the partitions it wrote.
 *
 * <p>The session holds its slots on a partition while it uses it: a session for one partition from
 * its creation, a dynamic-partition session from its first flush to the partition; the hold lapses
 * when the session has not flushed to the partition for the stream slot idle timeout, and the next
 * flush acquires it again (see {@link #heldPartitions}).
 */
final class StreamUploadSession extends TunnelSession {

    private final int slotCount;
    private final boolean dynamicPartition;
    private final boolean createPartition;
    private final Set<PartitionSpec> writtenPartitions = ConcurrentHashMap.newKeySet();
    private final Map<PartitionSpec, Instant> lastUse = new ConcurrentHashMap<>();
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
        if (!dynamicPartition) {
            lastUse.put(partition, created);
        }
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

    /** Whether the session holds slots on {@code p} at {@code now}. */
    boolean holds(PartitionSpec p, Instant now, Duration idleTimeout) {
        Instant last = lastUse.get(p);
        return last != null && now.isBefore(last.plus(idleTimeout)) && !expired(now);
    }

    /** Partitions the session holds slots on at {@code now}: those it used within the timeout. */
    Set<PartitionSpec> heldPartitions(Instant now, Duration idleTimeout) {
        if (expired(now)) {
            return Set.of();
        }
        Set<PartitionSpec> held = new HashSet<>();
        for (Map.Entry<PartitionSpec, Instant> e : lastUse.entrySet()) {
            if (now.isBefore(e.getValue().plus(idleTimeout))) {
                held.add(e.getKey());
            }
        }
        return held;
    }

    /** Records a flush to {@code p}: the session holds its slots there for another timeout. */
    void used(PartitionSpec p, Instant now) {
        lastUse.put(p, now);
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
