package io.github.mctunnel.benchmarks.flink.source;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One timed read of a whole table.
 *
 * @param rows records read
 * @param nanos the read's duration
 */
record ReadRun(long rows, long nanos) {

    /** The run of median duration (the upper one of an even count). */
    static ReadRun median(List<ReadRun> runs) {
        List<ReadRun> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingLong(ReadRun::nanos));
        return sorted.get(sorted.size() / 2);
    }

    double seconds() {
        return nanos / 1e9;
    }

    double rowsPerSecond() {
        return rows / seconds();
    }

    /** MB (10^6 bytes) of uncompressed record stream per second. */
    double megabytesPerSecond(double bytesPerRow) {
        return rows * bytesPerRow / 1e6 / seconds();
    }

    /** Fails unless the read returned exactly {@code expected} rows. */
    ReadRun requireRows(long expected, String what) {
        if (rows != expected) {
            throw new IllegalStateException(
                    what + " read " + rows + " rows; the table has " + expected);
        }
        return this;
    }
}
