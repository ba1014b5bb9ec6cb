package io.github.mctunnel.flink.sink.writer;

import io.github.mctunnel.client.http.Sleeper;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.sink.stream.RecordPack;
import io.github.mctunnel.flink.sink.stream.StreamTunnelConnection;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The partitions one writer buffers records for and the partitions it holds stream slots on, within
 * the writer's share of the table's partition budget.
 *
 * <p>The stream tunnel cannot close a session: the service frees a session's slots on a partition
 * once the session has not flushed there for a while (its idle timeout). So a partition counts
 * against the budget from its first flush until {@code holdMillis} after its last flush, whether or
 * not the writer still uses it. Records of any partition are buffered without waiting; a flush
 * sends the packs of the partitions the writer holds first, then takes further partitions one by
 * one, each time freeing the held partition whose hold runs out first once the share is used up
 * (the writer waits for it: back-pressure). A partition flushed and not written for {@code
 * holdMillis} is released ({@link #releaseIdle}). Rows are never dropped and a writer never holds
 * more partitions than its share, so all writers together stay within the budget; the cost of more
 * active partitions than the share is a flush that waits for holds to run out.
 */
@Internal
final class OpenPartitions {

    private static final Logger LOG = LoggerFactory.getLogger(OpenPartitions.class);

    /** The longest single sleep while waiting for a partition's slots to be freed. */
    static final long WAIT_SLICE_MILLIS = 1_000;

    /** Sends one partition's pack; the writer's flush with its metrics and messages. */
    @FunctionalInterface
    interface PackFlusher {
        void flush(PartitionSpec partition, RecordPack pack) throws IOException;
    }

    /** One partition with a pack. */
    private static final class Entry {
        final PartitionSpec partition;
        final RecordPack pack;
        boolean holding;
        long lastFlushMillis;

        Entry(PartitionSpec partition, RecordPack pack) {
            this.partition = partition;
            this.pack = pack;
        }
    }

    private final StreamTunnelConnection connection;
    private final int share;
    private final long holdMillis;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Map<PartitionSpec, Entry> entries = new HashMap<>();

    private PartitionSpec lastPartition;
    private RecordPack lastPack;
    private int holding;
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

    /** The pack buffering the records of {@code partition}; opened on its first record. */
    RecordPack packFor(PartitionSpec partition) throws IOException {
        if (partition == lastPartition) {
            return lastPack;
        }
        Entry e = entries.get(partition);
        if (e == null) {
            e = new Entry(partition, connection.openPack(partition));
            entries.put(partition, e);
        }
        lastPartition = partition;
        lastPack = e.pack;
        return e.pack;
    }

    /**
     * Sends every pack that holds records: those of held partitions first, then the others, each
     * taking a share of the budget (freeing a held partition first when the share is used up).
     */
    void flushAll(PackFlusher flusher) throws IOException {
        List<Entry> waiting = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.pack.bufferedRecords() == 0) {
                continue;
            }
            if (e.holding) {
                flusher.flush(e.partition, e.pack);
                e.lastFlushMillis = clock.millis();
            } else {
                waiting.add(e);
            }
        }
        for (Entry e : waiting) {
            if (holding >= share) {
                releaseIdle();
            }
            while (holding >= share) {
                freeSoonest();
            }
            e.holding = true;
            holding++;
            flusher.flush(e.partition, e.pack);
            e.lastFlushMillis = clock.millis();
        }
    }

    /**
     * Waits until the held partition whose hold runs out first is free, and releases it. The wait
     * ends at the victim's hold (at most {@code holdMillis}); it sleeps in pieces of at most {@link
     * #WAIT_SLICE_MILLIS}, so the wait time metric follows it and an interrupt (task cancellation)
     * ends it at once.
     */
    private void freeSoonest() throws IOException {
        Entry victim = null;
        for (Entry e : entries.values()) {
            if (e.holding
                    && e.pack.bufferedRecords() == 0
                    && (victim == null || e.lastFlushMillis < victim.lastFlushMillis)) {
                victim = e;
            }
        }
        if (victim == null) {
            throw new IllegalStateException("no held partition without records to free");
        }
        long wait = victim.lastFlushMillis + holdMillis - clock.millis();
        if (wait > 0) {
            LOG.debug(
                    "Waiting {} ms for the stream slots of partition {} to be freed",
                    wait,
                    victim.partition);
        }
        while ((wait = victim.lastFlushMillis + holdMillis - clock.millis()) > 0) {
            long slice = Math.min(wait, WAIT_SLICE_MILLIS);
            try {
                sleeper.sleep(slice);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(
                        "interrupted while waiting for the stream slots of partition "
                                + victim.partition
                                + " to be freed");
            }
            waitedMillis += slice;
        }
        release(victim);
    }

    /**
     * Releases every partition without records whose hold has run out (or that never held slots).
     */
    void releaseIdle() throws IOException {
        long now = clock.millis();
        List<Entry> idle = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.pack.bufferedRecords() == 0
                    && (!e.holding || now >= e.lastFlushMillis + holdMillis)) {
                idle.add(e);
            }
        }
        for (Entry e : idle) {
            release(e);
        }
    }

    private void release(Entry e) throws IOException {
        entries.remove(e.partition);
        if (e.holding) {
            holding--;
            released++;
        }
        if (e.pack == lastPack) {
            lastPack = null;
            lastPartition = null;
        }
        connection.releasePack(e.pack);
    }

    /** Releases every partition (the writer closes; unflushed records are not sent). */
    void releaseAll() throws IOException {
        List<Entry> all = new ArrayList<>(entries.values());
        IOException failure = null;
        for (Entry e : all) {
            try {
                release(e);
            } catch (IOException ex) {
                if (failure == null) {
                    failure = ex;
                } else {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Records buffered over all partitions. */
    long bufferedRecords() {
        long n = 0;
        for (Entry e : entries.values()) {
            n += e.pack.bufferedRecords();
        }
        return n;
    }

    /** Partitions the writer holds stream slots on. */
    int holding() {
        return holding;
    }

    /** Partitions with a pack (buffering or holding). */
    int size() {
        return entries.size();
    }

    int share() {
        return share;
    }

    /** Held partitions released since the writer started. */
    long releasedCount() {
        return released;
    }

    /** Milliseconds the writer waited for a partition's slots to be freed. */
    long waitedMillis() {
        return waitedMillis;
    }
}
