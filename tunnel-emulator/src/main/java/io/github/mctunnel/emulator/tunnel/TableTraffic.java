package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.limits.SlidingWindowCounter;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The per-table budgets (rate windows, upsert commit times) and counters of one table. */
final class TableTraffic {

    private final String table;
    private final EmulatorLimits limits;
    private final SlidingWindowCounter uploadSessions;
    private final SlidingWindowCounter blocks;
    private final SlidingWindowCounter commits;
    private final SlidingWindowCounter downloadSessions;
    private final Map<PartitionSpec, Instant> lastUpsertCommit = new ConcurrentHashMap<>();

    final AtomicLong uploadSessionsCreated = new AtomicLong();
    final AtomicLong downloadSessionsCreated = new AtomicLong();
    final AtomicLong streamSessionsCreated = new AtomicLong();
    final AtomicLong upsertSessionsCreated = new AtomicLong();
    final AtomicLong commitCount = new AtomicLong();
    final AtomicLong upsertCommitCount = new AtomicLong();
    final AtomicLong blocksWritten = new AtomicLong();
    final AtomicLong flushes = new AtomicLong();
    final AtomicLong rowsCommitted = new AtomicLong();
    final AtomicLong streamLimitRefusals = new AtomicLong();
    private int peakStreamPartitions;
    private int peakStreamSlotsPerPartition;

    TableTraffic(String table, EmulatorLimits limits, Clock clock) {
        this.table = table;
        this.limits = limits;
        this.uploadSessions =
                new SlidingWindowCounter(
                        limits.uploadSessionsPerWindow(), limits.uploadSessionWindow(), clock);
        this.blocks =
                new SlidingWindowCounter(limits.blocksPerWindow(), limits.blockWindow(), clock);
        this.commits =
                new SlidingWindowCounter(limits.commitsPerWindow(), limits.commitWindow(), clock);
        this.downloadSessions =
                new SlidingWindowCounter(
                        limits.downloadSessionsPerWindow(), limits.downloadSessionWindow(), clock);
    }

    /** Records the stream partitions and the slots on one partition held after a reservation. */
    synchronized void recordStreamPeaks(int partitions, int slotsOnPartition) {
        peakStreamPartitions = Math.max(peakStreamPartitions, partitions);
        peakStreamSlotsPerPartition = Math.max(peakStreamSlotsPerPartition, slotsOnPartition);
    }

    synchronized int peakStreamPartitions() {
        return peakStreamPartitions;
    }

    synchronized int peakStreamSlotsPerPartition() {
        return peakStreamSlotsPerPartition;
    }

    void acquireUploadSession() {
        acquire(uploadSessions, "UploadSessions created");
    }

    void acquireBlock() {
        acquire(blocks, "blocks written");
    }

    void acquireCommit() {
        acquire(commits, "commits");
    }

    void acquireDownloadSession() {
        acquire(downloadSessions, "DownloadSessions created");
    }

    /**
     * Records an upsert commit on a partition, refusing it when the previous one is more recent
     * than the upsert commit interval.
     */
    void acquireUpsertCommit(PartitionSpec partition, Instant now) {
        boolean[] refused = {false};
        long[] waitSeconds = {0};
        lastUpsertCommit.compute(
                partition,
                (p, last) -> {
                    if (last != null && now.isBefore(last.plus(limits.upsertCommitInterval()))) {
                        refused[0] = true;
                        long waitMillis =
                                last.plus(limits.upsertCommitInterval()).toEpochMilli()
                                        - now.toEpochMilli();
                        waitSeconds[0] = (waitMillis + 999) / 1000;
                        return last;
                    }
                    return now;
                });
        if (refused[0]) {
            throw TunnelErrors.flowExceeded("CommitUpsert QPS Quota exceeded", waitSeconds[0]);
        }
    }

    private void acquire(SlidingWindowCounter counter, String what) {
        if (!counter.tryAcquire()) {
            throw TunnelErrors.flowExceeded(
                    "Table "
                            + table
                            + " exceeded its quota of "
                            + counter.limit()
                            + " "
                            + what
                            + " per "
                            + describe(counter)
                            + "; retry later",
                    counter.secondsUntilFree());
        }
    }

    private static String describe(SlidingWindowCounter counter) {
        long seconds = counter.window().toSeconds();
        if (seconds > 0 && seconds % 60 == 0) {
            return seconds / 60 + " min";
        }
        return seconds > 0 ? seconds + " s" : counter.window().toMillis() + " ms";
    }
}
