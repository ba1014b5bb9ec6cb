package io.github.mctunnel.benchmarks.flink;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One timed job run (a read or a write of a whole table).
 *
 * @param rows records read or written
 * @param nanos the run's duration
 */
public record JobRun(long rows, long nanos) {

    /** The run of median duration (the upper one of an even count). */
    public static JobRun median(List<JobRun> runs) {
        List<JobRun> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingLong(JobRun::nanos));
        return sorted.get(sorted.size() / 2);
    }

    public double seconds() {
        return nanos / 1e9;
    }

    public double rowsPerSecond() {
        return rows / seconds();
    }

    /** MB (10^6 bytes) of uncompressed record stream per second. */
    public double megabytesPerSecond(double bytesPerRow) {
        return rows * bytesPerRow / 1e6 / seconds();
    }

    /** Fails unless the run moved exactly {@code expected} rows. */
    public JobRun requireRows(long expected, String what) {
        if (rows != expected) {
            throw new IllegalStateException(
                    what + " moved " + rows + " rows, expected " + expected);
        }
        return this;
    }
}
