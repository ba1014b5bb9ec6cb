package io.github.mctunnel.benchmarks.flink;

import io.github.mctunnel.benchmarks.e2e.CpuAccount;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The cost of a running job between two points of its progress, so that job start-up, the first
 * growth of buffers and the final flush stay out of the figure: what a job that runs for weeks pays
 * per row. The job's progress is read while it runs (a counter its generator advances); the window
 * opens when {@code from} of the rows are through and closes at {@code to}.
 *
 * @param rows rows that went through inside the window
 * @param cpuNanos CPU of the process outside the emulator's request threads inside the window
 * @param allocatedBytes heap bytes allocated outside the emulator's request threads inside the
 *     window; -1 when the JVM does not measure allocation
 */
public record SteadyWindow(long rows, long cpuNanos, long allocatedBytes) {

    private static final SteadyWindow MISSED = new SteadyWindow(0, 0, -1);

    /**
     * Watches {@code progress} until the job is done, taking the window between {@code from} and
     * {@code to} of {@code totalRows}; a job too short to be seen inside the window gives an empty
     * one ({@link #seen()} false).
     */
    public static SteadyWindow observe(
            CpuAccount cpu,
            LongSupplier progress,
            long totalRows,
            double from,
            double to,
            CompletableFuture<?> done)
            throws InterruptedException {
        long open = (long) (totalRows * from);
        long close = (long) (totalRows * to);
        long[] start = null;
        while (!done.isDone()) {
            long rows = progress.getAsLong();
            if (start == null && rows >= open) {
                start = snapshot(cpu, rows);
            } else if (start != null && rows >= close) {
                long[] end = snapshot(cpu, rows);
                long allocated = end[2] < 0 || start[2] < 0 ? -1 : end[2] - start[2];
                return new SteadyWindow(end[0] - start[0], end[1] - start[1], allocated);
            }
            Thread.sleep(1);
        }
        return MISSED;
    }

    private static long[] snapshot(CpuAccount cpu, long rows) {
        return new long[] {
            rows, cpu.processNanos() - cpu.emulatorNanos(), cpu.allocatedBytesOutsideEmulator()
        };
    }

    /**
     * Whether the window was seen (the job ran long enough to be watched inside it, and spent
     * measurable CPU there).
     */
    public boolean seen() {
        return rows > 0 && cpuNanos > 0;
    }

    public double rowsPerCpuSecond() {
        return rows / (cpuNanos / 1e9);
    }

    /** Heap bytes allocated per row in the window; NaN when not measured. */
    public double allocatedBytesPerRow() {
        return allocatedBytes < 0 || rows == 0 ? Double.NaN : (double) allocatedBytes / rows;
    }
}
