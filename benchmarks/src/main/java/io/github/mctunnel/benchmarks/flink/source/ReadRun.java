package io.github.mctunnel.benchmarks.flink.source;

/**
 * One timed read of a whole table.
 *
 * @param rows records read
 * @param nanos the read's duration
 */
record ReadRun(long rows, long nanos) {

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
