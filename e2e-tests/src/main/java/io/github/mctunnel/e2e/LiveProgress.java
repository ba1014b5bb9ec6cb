package io.github.mctunnel.e2e;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Follows the running write job and prints one progress line per second, from the job's Flink
 * metrics (see {@link JobMetrics}): orders generated and the rate, checkpoints completed, rows
 * uploaded and committed to the partitioned table, changes sent and commits of the Delta table.
 */
final class LiveProgress {

    private final PrintStream out;
    private final DemoTables tables;
    private final Duration commitInterval;

    /** Commits of the Delta table, or null when they cannot be counted. */
    private final LongSupplier deltaCommits;

    LiveProgress(
            PrintStream out,
            DemoTables tables,
            Duration commitInterval,
            LongSupplier deltaCommits) {
        this.out = out;
        this.tables = tables;
        this.commitInterval = commitInterval;
        this.deltaCommits = deltaCommits;
    }

    /** Prints progress until the job ends; returns its final progress. */
    Snapshot follow(JobClient job) throws InterruptedException, ExecutionException {
        String jobId = job.getJobID().toString();
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        long start = System.nanoTime();
        Snapshot previous = snapshot(jobId);
        long previousNanos = start;
        boolean waitingNoted = false;
        while (true) {
            try {
                result.get(1, TimeUnit.SECONDS);
                Snapshot last = snapshot(jobId);
                out.println(line(start, System.nanoTime(), last, previous, previousNanos));
                return last;
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                Snapshot current = snapshot(jobId);
                out.println(line(start, now, current, previous, previousNanos));
                if (!waitingNoted
                        && current.generated > 0
                        && current.generated == previous.generated
                        && current.ordersCommitted == current.generated) {
                    out.println(
                            "        input done: waiting for the last commit of "
                                    + tables.customerTotals()
                                    + " (at most one commit every "
                                    + commitInterval.toSeconds()
                                    + " s)");
                    waitingNoted = true;
                }
                previous = current;
                previousNanos = now;
            }
        }
    }

    private String line(long start, long now, Snapshot s, Snapshot previous, long previousNanos) {
        double seconds = Math.max(1e-3, (now - previousNanos) / 1e9);
        long rate = Math.round((s.generated - previous.generated) / seconds);
        return String.format(
                "[%3ds] %,7d orders (%,5d/s) | checkpoints %2d | orders: %,7d uploaded, %,7d"
                        + " committed (%d commits) | customer_totals: %,7d changes, %,7d sent%s",
                Math.round((now - start) / 1e9),
                s.generated,
                rate,
                s.checkpoints,
                s.ordersUploaded,
                s.ordersCommitted,
                s.ordersCommits,
                s.changesReceived(),
                s.changesSent,
                s.deltaCommits < 0 ? "" : ", " + s.deltaCommits + " commits");
    }

    Snapshot snapshot(String jobId) {
        return new Snapshot(
                JobMetrics.sum(jobId, "numRecordsOut", "Source: order_ids["),
                JobMetrics.sum(jobId, "numberOfCompletedCheckpoints", ""),
                JobMetrics.sum(jobId, "numRecordsSend", "orders["),
                JobMetrics.sum(jobId, "rowsCommitted", "orders["),
                JobMetrics.sum(jobId, "sessionsCommitted", "orders["),
                JobMetrics.sum(jobId, "numRecordsSend", "customer_totals["),
                JobMetrics.sum(jobId, "changesCompacted", "customer_totals["),
                deltaCommits == null ? -1 : deltaCommits.getAsLong());
    }

    /**
     * The write job's progress at one moment.
     *
     * @param changesSent upserts sent to the Delta table (after compaction)
     * @param changesCompacted changes not sent because a later change of the key replaced them
     */
    record Snapshot(
            long generated,
            long checkpoints,
            long ordersUploaded,
            long ordersCommitted,
            long ordersCommits,
            long changesSent,
            long changesCompacted,
            long deltaCommits) {

        /** The changes the upsert sink received (sent or compacted). */
        long changesReceived() {
            return changesSent + changesCompacted;
        }
    }
}
