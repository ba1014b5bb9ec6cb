package io.github.mctunnel.benchmarks.flink.sink;

import io.github.mctunnel.benchmarks.e2e.CpuAccount;
import io.github.mctunnel.benchmarks.flink.EventTable;
import io.github.mctunnel.benchmarks.flink.JobRun;
import io.github.mctunnel.benchmarks.flink.sink.SinkJob.Target;
import io.github.mctunnel.benchmarks.suite.BenchmarkPart;
import io.github.mctunnel.benchmarks.suite.BenchmarkResult;
import io.github.mctunnel.benchmarks.suite.SuiteSettings;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sink part of the suite (issue 9): streaming jobs from a generator into our sinks against the
 * embedded emulator.
 *
 * <ul>
 *   <li>group {@code sink}, no bandwidth cap, parallelism 2: the same job into Flink's discarding
 *       sink (the pipeline's own limit), the at-least-once sink (stream tunnel) and the
 *       exactly-once sink (regular tunnel, a checkpoint every 2 s), in the same run; rows/s and
 *       MB/s per subtask, the sinks compared with the discarding sink (goal: at least 70%).
 *   <li>group {@code limits}, the emulator pacing every data request to the service's 10 MB/s: the
 *       at-least-once sink with 1, 2 and 4 slots (one per writer) against slots x 10 MB/s (goal: at
 *       least 90%).
 * </ul>
 *
 * <p>MB are 10^6 bytes of uncompressed record stream; the sinks send uncompressed ({@code RAW}), so
 * the bytes on the wire are the bytes counted and capped. Every run checks that the emulator holds
 * exactly the rows sent. Durations are the job's net runtime, start-up and final flush included.
 */
public final class SinkThroughput implements BenchmarkPart {

    /** The service's write speed per slot, "10 MB/s" as the seed states it. */
    static final double CAP_MEGABYTES_PER_SECOND = 10;

    private static final long CAP_BYTES_PER_SECOND = (long) (CAP_MEGABYTES_PER_SECOND * 1e6);
    private static final int PARALLELISM = 2;
    private static final long FULL_ROWS = 2_000_000;
    private static final long SMOKE_ROWS = 5_000;
    private static final long WARMUP_ROWS = 300_000;

    /** The discarding job runs this many times more rows, so that start-up does not dominate it. */
    private static final int DISCARDING_FACTOR = 10;

    private static final int[] SLOTS = {1, 2, 4};
    private static final double CAPPED_SECONDS = 20;
    private static final double SINK_GOAL = 0.7;
    private static final double CAP_GOAL = 0.9;

    @Override
    public String name() {
        return "sink";
    }

    @Override
    public List<BenchmarkResult> run(SuiteSettings settings) throws Exception {
        List<BenchmarkResult> results = new ArrayList<>(uncapped(settings.smoke()));
        results.addAll(capped(settings.smoke()));
        return results;
    }

    private List<BenchmarkResult> uncapped(boolean smoke) throws Exception {
        long rows = smoke ? SMOKE_ROWS : FULL_ROWS;
        if (!smoke) {
            // one unreported round of every path: JIT compilation and heap sizing
            write(Target.DISCARDING, WARMUP_ROWS * DISCARDING_FACTOR, PARALLELISM, null);
            write(Target.AT_LEAST_ONCE, WARMUP_ROWS, PARALLELISM, null);
            write(Target.EXACTLY_ONCE, WARMUP_ROWS, PARALLELISM, null);
        }
        Measured discarding = write(Target.DISCARDING, rows * DISCARDING_FACTOR, PARALLELISM, null);
        Measured atLeastOnce = write(Target.AT_LEAST_ONCE, rows, PARALLELISM, null);
        Measured exactlyOnce = write(Target.EXACTLY_ONCE, rows, PARALLELISM, null);

        List<BenchmarkResult> results = new ArrayList<>();
        double discardingRate = discarding.run.rowsPerSecond() / PARALLELISM;
        results.add(
                BenchmarkResult.of(
                                "sink",
                                "discarding sink, p" + PARALLELISM + ", per subtask",
                                discardingRate,
                                "rows/s")
                        .withNote(
                                String.format(
                                        Locale.ROOT,
                                        "%,d rows in %.1f s; the generator and the row lookup only",
                                        discarding.run.rows(),
                                        discarding.run.seconds())));
        for (Measured m : List.of(atLeastOnce, exactlyOnce)) {
            results.add(
                    BenchmarkResult.compared(
                                    "sink",
                                    m.target.label + ", rows per CPU-s outside the emulator",
                                    m.rowsPerJobCpuSecond(),
                                    "rows/CPU-s",
                                    "discarding sink",
                                    discarding.rowsPerJobCpuSecond(),
                                    SINK_GOAL)
                            .withNote(
                                    "what the rate would be if the service's side did not share"
                                            + " the cores: the job's CPU cost per row, emulator"
                                            + " threads excluded"));
        }
        for (Measured m : List.of(atLeastOnce, exactlyOnce)) {
            double rate = m.run.rowsPerSecond() / PARALLELISM;
            results.add(
                    BenchmarkResult.compared(
                                    "sink",
                                    m.target.label + ", p" + PARALLELISM + ", per subtask",
                                    rate,
                                    "rows/s",
                                    "discarding sink",
                                    discardingRate,
                                    SINK_GOAL)
                            .withNote(
                                    String.format(
                                            Locale.ROOT,
                                            "%.1f MB/s per subtask; %,d rows in %.1f s, all in the"
                                                    + " emulator; its request handling shares the"
                                                    + " %d cores",
                                            m.run.megabytesPerSecond(m.bytesPerRow) / PARALLELISM,
                                            m.run.rows(),
                                            m.run.seconds(),
                                            Runtime.getRuntime().availableProcessors())));
        }
        return results;
    }

    private List<BenchmarkResult> capped(boolean smoke) throws Exception {
        List<BenchmarkResult> results = new ArrayList<>();
        EmulatorLimits limits =
                EmulatorLimits.builder().bandwidthBytesPerSecond(CAP_BYTES_PER_SECOND).build();
        for (int slots : SLOTS) {
            double bytesPerRow = EventTable.bytesPerEventRow();
            long rows =
                    smoke
                            ? 2_000L * slots
                            : (long) (CAPPED_SECONDS * slots * CAP_BYTES_PER_SECOND / bytesPerRow);
            Measured m = write(Target.AT_LEAST_ONCE, rows, slots, limits);
            double cap = slots * CAP_MEGABYTES_PER_SECOND;
            BenchmarkResult r =
                    BenchmarkResult.compared(
                                    "limits",
                                    "at-least-once sink, "
                                            + slots
                                            + " slot"
                                            + (slots > 1 ? "s" : ""),
                                    m.run.megabytesPerSecond(m.bytesPerRow),
                                    "MB/s",
                                    slots + " x 10 MB/s cap",
                                    cap,
                                    CAP_GOAL)
                            .withNote(
                                    String.format(
                                            Locale.ROOT,
                                            "%,d rows in %.1f s including job start-up%s",
                                            m.run.rows(),
                                            m.run.seconds(),
                                            smoke ? "; smoke: start-up dominates" : ""));
            results.add(r);
        }
        return results;
    }

    /** Runs one job against a fresh emulator and checks that it holds exactly the rows sent. */
    private static Measured write(Target target, long rows, int parallelism, EmulatorLimits limits)
            throws Exception {
        try (EventTable emulator =
                EventTable.start(limits == null ? EmulatorLimits.defaults() : limits)) {
            String table = "sink_" + target.name().toLowerCase(Locale.ROOT);
            emulator.create(table, 0);
            CpuAccount cpu = CpuAccount.start();
            JobRun run = SinkJob.write(target, emulator.connection(), table, rows, parallelism);
            long jobCpuNanos = cpu.processNanos() - cpu.emulatorNanos();
            if (target != Target.DISCARDING) {
                run.requireRows(
                        emulator.rowsCommitted(table), target.label + " (emulator's count)");
            }
            return new Measured(target, run, emulator.bytesPerRow(), jobCpuNanos);
        }
    }

    /**
     * @param jobCpuNanos CPU the process spent outside the emulator's request handling (the job,
     *     its client, GC and JIT)
     */
    private record Measured(Target target, JobRun run, double bytesPerRow, long jobCpuNanos) {

        /** Rows per CPU-second of everything but the emulator. */
        double rowsPerJobCpuSecond() {
            return run.rows() / (jobCpuNanos / 1e9);
        }
    }
}
