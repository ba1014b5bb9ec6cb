package io.github.mctunnel.flink.sink.writer;

import io.github.mctunnel.client.http.Sleeper;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.sink.stream.RecordPack;
import io.github.mctunnel.flink.sink.stream.StreamTunnelConnection;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The partitions one writer holds stream slots on, within the writer's share of the table's
 * partition budget.
 *
 * <p>The stream tunnel cannot close a session: the service frees a session's slots on a partition
 * once the session has not flushed there for a while (its idle timeout). So a partition counts
 * against the budget from the moment its pack is opened until {@code holdMillis} after its last
 * flush, whether or not the writer still uses it. A partition that is flushed and was not written
 * for {@code holdMillis} is released ({@link #releaseIdle}). A record for a partition beyond the
 * share first frees the partition that frees soonest: it is flushed if it holds records, and the
 * writer waits until its hold has run out (back-pressure) before opening the new one. Rows are
 * never dropped and a writer never holds more partitions than its share, so all writers together
 * stay within the budget.
 */
@Internal
final class OpenPartitions {

    /** Sends one partition's pack; the writer's flush with its metrics and messages. */
    @FunctionalInterface
    interface PackFlusher {
        void flush(PartitionSpec partition, RecordPack pack) throws IOException;
    }

    /** One held partition. */
    static final class Held {
        final PartitionSpec partition;
        final RecordPack pack;
        long lastFlushMillis;

        Held(PartitionSpec partition, RecordPack pack, long openedMillis) {
            this.partition = partition;
            this.pack = pack;
            this.lastFlushMillis = openedMillis;
        }
    }

    private final StreamTunnelConnection connection;
    private final int share;
    private final long holdMillis;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Map<PartitionSpec, Held> held = new HashMap<>();

    private PartitionSpec lastPartition;
    private RecordPack lastPack;
    private long released;
    private long waitedMillis;

    /**
     * @param share the most partitions this writer holds at once
     * @param holdMillis how long after its last flush the service may still count a partition
     */
    OpenPartitions(
            StreamTunnelConnection connection,
            int share,
            long holdMillis,
            Clock clock,
            Sleeper sleeper) {
        if (share < 1) {
            throw new IllegalArgumentException("partition share must be at least 1: " + share);
        }
        if (holdMillis < 0) {
            throw new IllegalArgumentException("hold time must not be negative: " + holdMillis);
        }
        this.connection = connection;
        this.share = share;
        this.holdMillis = holdMillis;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * The pack of {@code partition}, opening it (and first freeing another partition when the share
     * is used up) if the writer does not hold it.
     */
    RecordPack packFor(PartitionSpec partition, PackFlusher flusher) throws IOException {
        if (partition == lastPartition) {
            return lastPack;
        }
        Held h = held.get(partition);
        if (h == null) {
            if (held.size() >= share) {
                releaseIdle();
            }
            while (held.size() >= share) {
                free(flusher);
            }
            h = new Held(partition, connection.openPack(partition), clock.millis());
            held.put(partition, h);
        }
        lastPartition = partition;
        lastPack = h.pack;
        return h.pack;
    }

    /** Frees the held partition whose hold runs out first, waiting for it. */
    private void free(PackFlusher flusher) throws IOException {
        long now = clock.millis();
        Held victim = null;
        long victimFreeAt = Long.MAX_VALUE;
        for (Held h : held.values()) {
            long freeAt = h.pack.bufferedRecords() > 0 ? now + holdMillis : freeAt(h);
            if (freeAt < victimFreeAt) {
                victim = h;
                victimFreeAt = freeAt;
            }
        }
        if (victim.pack.bufferedRecords() > 0) {
            flusher.flush(victim.partition, victim.pack);
            victim.lastFlushMillis = clock.millis();
        }
        long wait;
        while ((wait = freeAt(victim) - clock.millis()) > 0) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(
                        "interrupted while waiting for the stream slots of partition "
                                + victim.partition
                                + " to be freed");
            }
            waitedMillis += wait;
        }
        release(victim);
    }

    private long freeAt(Held h) {
        return h.lastFlushMillis + holdMillis;
    }

    /** Records that the pack of {@code h} was just acknowledged. */
    void flushed(Held h) {
        h.lastFlushMillis = clock.millis();
    }

    /** Releases every partition that holds no records and was not flushed for the hold time. */
    void releaseIdle() throws IOException {
        long now = clock.millis();
        List<Held> idle = new ArrayList<>();
        for (Held h : held.values()) {
            if (h.pack.bufferedRecords() == 0 && now >= freeAt(h)) {
                idle.add(h);
            }
        }
        for (Held h : idle) {
            release(h);
        }
    }

    private void release(Held h) throws IOException {
        held.remove(h.partition);
        if (h.pack == lastPack) {
            lastPack = null;
            lastPartition = null;
        }
        released++;
        connection.releasePack(h.pack);
    }

    /** Releases every partition (the writer closes; unflushed records are not sent). */
    void releaseAll() throws IOException {
        List<Held> all = new ArrayList<>(held.values());
        IOException failure = null;
        for (Held h : all) {
            try {
                release(h);
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The held partitions, for flushing them; do not open or release while iterating. */
    Collection<Held> held() {
        return held.values();
    }

    int size() {
        return held.size();
    }

    int share() {
        return share;
    }

    /** Partitions released since the writer started. */
    long releasedCount() {
        return released;
    }

    /** Milliseconds the writer waited for a partition's slots to be freed. */
    long waitedMillis() {
        return waitedMillis;
    }
}
