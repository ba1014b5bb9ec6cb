package io.github.mctunnel.benchmarks.data;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A JMH secondary result: megabytes (10^6 bytes) processed, reported per second next to the
 * benchmark's primary operations per second.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Traffic {

    /** Reported as "megabytes" in MB/s. */
    public double megabytes;

    @Setup(Level.Iteration)
    public void clear() {
        megabytes = 0;
    }

    /** Counts {@code bytes} processed. */
    public void add(long bytes) {
        megabytes += bytes / 1e6;
    }
}
