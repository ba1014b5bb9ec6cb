package io.github.mctunnel.benchmarks.flink.sink;

import io.github.mctunnel.benchmarks.e2e.CpuAccount;
import io.github.mctunnel.benchmarks.e2e.ThreadCpuSampler;
import io.github.mctunnel.benchmarks.flink.EventTable;
import io.github.mctunnel.benchmarks.flink.JobRun;
import io.github.mctunnel.benchmarks.flink.SteadyWindow;
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
 *       sink (the pipeline's own limit; and once after reading every value of a {@code RowData}
 *       row), the at-least-once sink (stream tunnel) and the exactly-once sink (regular tunnel, a
 *       checkpoint every 2 s), fed ready-made record values, {@code BinaryRowData} through the SQL
 *       serializer (as {@code INSERT INTO} runs) and, at-least-once, POJOs through a user's
 *       serializer; rows per CPU-second outside the emulator compared with the discarding sink
 *       (goal: at least 70%) and with the codec's single-thread encode rate of the same rows ("vs
 *       encode", issue 18's goal: at least a third), heap bytes allocated per row (goal: at most
 *       32), rows/s and MB/s per subtask; the CPU and allocation figures also past start-up ({@link
 *       io.github.mctunnel.benchmarks.flink.SteadyWindow}: between 30% and 90% of the job's rows).
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

    /** Issue 18: a sink's rows per CPU-second at least a third of the codec's encode rate. */
    private static final double ENCODE_GOAL = 1.0 / 3;

    private static final long ENCODE_ROWS = 2_000_000;

    /** The sinks measured, in the order of the report. */
    private static final List<Target> SINKS =
            List.of(
                    Target.AT_LEAST_ONCE,
                    Target.AT_LEAST_ONCE_ROW_DATA,
                    Target.AT_LEAST_ONCE_POJO,
                    Target.EXACTLY_ONCE,
                    Target.EXACTLY_ONCE_ROW_DATA);

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
            for (Target t : Target.values()) {
                write(t, WARMUP_ROWS * (t.discarding() ? DISCARDING_FACTOR : 1), PARALLELISM, null);
            }
        }
        Measured discarding = write(Target.DISCARDING, rows * DISCARDING_FACTOR, PARALLELISM, null);
        Measured readEvery =
                write(Target.READ_EVERY_VALUE, rows * DISCARDING_FACTOR, PARALLELISM, null);
        List<Measured> sinks = new ArrayList<>();
        for (Target t : SINKS) {
            sinks.add(write(t, rows, PARALLELISM, null));
        }
        long encodeRows = smoke ? SMOKE_ROWS : ENCODE_ROWS;
        long encodeWarmup = smoke ? 0 : ENCODE_ROWS;
        double encodeGeneric = EncodeRate.generic(encodeRows, encodeWarmup);
        double encodeFields = EncodeRate.fields(encodeRows, encodeWarmup);

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
        results.add(
                BenchmarkResult.of(
                                "sink",
                                readEvery.target.label + ", rows per CPU-s",
                                readEvery.rowsPerJobCpuSecond(),
                                "rows/CPU-s")
                        .withNote(
                                "the RowData paths' baseline: the job without the sink's own work"));
        results.add(
                BenchmarkResult.of(
                                "sink",
                                "codec encode, generic path, 1 thread",
                                encodeGeneric,
                                "rows/CPU-s")
                        .withNote("RecordStreamWriter.write(Object[]) of the same rows"));
        results.add(
                BenchmarkResult.of(
                                "sink",
                                "codec encode, field path, 1 thread",
                                encodeFields,
                                "rows/CPU-s")
                        .withNote("typed setters of the same rows: the \"vs encode\" reference"));
        for (Measured m : sinks) {
            Measured baseline = m.target.input == SinkJob.Input.ROW_DATA ? readEvery : discarding;
            results.add(
                    BenchmarkResult.compared(
                                    "sink",
                                    m.target.label + ", rows per CPU-s outside the emulator",
                                    m.rowsPerJobCpuSecond(),
                                    "rows/CPU-s",
                                    baseline.target.label,
                                    baseline.rowsPerJobCpuSecond(),
                                    SINK_GOAL)
                            .withNote(
                                    "what the rate would be if the service's side did not share"
                                            + " the cores: the job's CPU cost per row, emulator"
                                            + " threads excluded"));
        }
        for (Measured m : sinks) {
            results.add(
                    BenchmarkResult.compared(
                                    "sink",
                                    m.target.label + ", rows per CPU-s vs encode",
                                    m.rowsPerJobCpuSecond(),
                                    "rows/CPU-s",
                                    "codec encode, field path",
                                    encodeFields,
                                    ENCODE_GOAL)
                            .withNote(
                                    String.format(
                                            Locale.ROOT,
                                            "%.2f of the generic path's %,.0f rows/CPU-s",
                                            m.rowsPerJobCpuSecond() / encodeGeneric,
                                            encodeGeneric)));
        }
        for (Measured m : sinks) {
            results.add(
                    BenchmarkResult.compared(
                                    "sink",
                                    m.target.label
                                            + ", rows per CPU-s of the job's Java threads vs"
                                            + " encode",
                                    m.rowsPerJavaThreadCpuSecond(),
                                    "rows/CPU-s",
                                    "codec encode, field path",
                                    encodeFields,
                                    ENCODE_GOAL)
                            .withNote(
                                    String.format(
                                            Locale.ROOT,
                                            "the JVM's own threads (GC, JIT) left out: they are %.0f%%"
                                                    + " of the CPU outside the emulator (the"
                                                    + " emulator's own garbage is collected"
                                                    + " there too)",
                                            100.0
                                                    * Math.max(0, m.jobCpuNanos - m.javaThreadNanos)
                                                    / m.jobCpuNanos)));
        }
        for (Measured base : List.of(discarding, readEvery)) {
            results.add(
                    BenchmarkResult.of(
                                    "sink",
                                    base.target.label + ", bytes allocated per row",
                                    base.allocatedBytesPerRow(),
                                    "B/row")
                            .withNote(
                                    "the job without a sink: the generator's boxed index and"
                                            + " Flink's own per-record work"));
        }
        for (Measured m : sinks) {
            results.add(
                    BenchmarkResult.of(
                                    "sink",
                                    m.target.label + ", bytes allocated per row",
                                    m.allocatedBytesPerRow(),
                                    "B/row")
                            .withNote(
                                    "every thread of the process but the emulator's, Flink's own"
                                            + " work and the job's start-up included"));
        }
        for (Measured m : sinks) {
            // the discarding job: reading every value allocates (a StringData per string), which
            // a sink reading rows in place does not
            Measured baseline = discarding;
            double own = m.allocatedBytesPerRow() - baseline.allocatedBytesPerRow();
            results.add(
                    BenchmarkResult.of(
                                    "sink",
                                    m.target.label + ", bytes allocated per row by the sink path",
                                    own,
                                    "B/row")
                            .withNote(
                                    String.format(
                                            Locale.ROOT,
                                            "the sink job minus %s; goal: at most 32 B (%s); the"
                                                    + " pack buffers' first growth and the job's"
                                                    + " start-up are spread over %,d rows",
                                            baseline.target.label,
                                            own <= 32 ? "met" : "NOT met",
                                            m.run.rows())));
        }
        if (!smoke && discarding.steady.seen()) {
            // smoke runs are too short for a window past start-up
            results.addAll(steadyState(discarding, sinks, encodeFields));
        }
        for (Measured m : sinks) {
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

    /**
     * The sinks' cost past start-up: between 30% and 90% of each job's rows, so that the job's
     * start-up (about a CPU-second), the buffers' first growth and the final flush or commit are
     * left out; what a job that runs for weeks pays per row.
     */
    private static List<BenchmarkResult> steadyState(
            Measured discarding, List<Measured> sinks, double encodeFields) {
        List<BenchmarkResult> results = new ArrayList<>();
        for (Measured m : sinks) {
            if (!m.steady.seen()) {
                continue;
            }
            results.add(
                    BenchmarkResult.compared(
                                    "sink",
                                    m.target.label + ", rows per CPU-s past start-up vs encode",
                                    m.steady.rowsPerCpuSecond(),
                                    "rows/CPU-s",
                                    "codec encode, field path",
                                    encodeFields,
                                    ENCODE_GOAL)
                            .withNote(
                                    String.format(
                                            Locale.ROOT,
                                            "CPU outside the emulator between 30%% and 90%% of the"
                                                    + " job's rows (%,d rows, %.2f CPU-s; the whole"
                                                    + " job: %,.0f rows/CPU-s)",
                                            m.steady.rows(),
                                            m.steady.cpuNanos() / 1e9,
                                            m.rowsPerJobCpuSecond())));
        }
        results.add(
                BenchmarkResult.of(
                                "sink",
                                discarding.target.label + ", bytes allocated per row past start-up",
                                discarding.steady.allocatedBytesPerRow(),
                                "B/row")
                        .withNote("the generator's boxed index and Flink's per-record work"));
        for (Measured m : sinks) {
            if (!m.steady.seen()) {
                continue;
            }
            double own = m.steady.allocatedBytesPerRow() - discarding.steady.allocatedBytesPerRow();
            results.add(
                    BenchmarkResult.of(
                                    "sink",
                                    m.target.label
                                            + ", bytes allocated per row by the sink path past"
                                            + " start-up",
                                    own,
                                    "B/row")
                            .withNote(
                                    String.format(
                                            Locale.ROOT,
                                            "the sink job minus the discarding job, both between"
                                                    + " 30%% and 90%% of their rows (sink job: %.0f"
                                                    + " B/row); goal: at most 32 B (%s)",
                                            m.steady.allocatedBytesPerRow(),
                                            own <= 32 ? "met" : "NOT met")));
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
            ThreadCpuSampler threads = ThreadCpuSampler.start();
            SinkJob.Written written =
                    SinkJob.write(target, emulator.connection(), table, rows, parallelism, cpu);
            JobRun run = written.run();
            threads.close();
            long jobCpuNanos = cpu.processNanos() - cpu.emulatorNanos();
            long javaThreadNanos = threads.nanos(name -> !name.startsWith("HTTP-worker"));
            long allocated = cpu.allocatedBytesOutsideEmulator();
            if (!target.discarding()) {
                run.requireRows(
                        emulator.rowsCommitted(table), target.label + " (emulator's count)");
            }
            return new Measured(
                    target,
                    run,
                    emulator.bytesPerRow(),
                    jobCpuNanos,
                    javaThreadNanos,
                    allocated,
                    written.steady());
        }
    }

    /**
     * @param jobCpuNanos CPU the process spent outside the emulator's request handling (the job,
     *     its client, GC and JIT)
     */
    private record Measured(
            Target target,
            JobRun run,
            double bytesPerRow,
            long jobCpuNanos,
            long javaThreadNanos,
            long allocatedBytes,
            SteadyWindow steady) {

        /** Rows per CPU-second of everything but the emulator. */
        double rowsPerJobCpuSecond() {
            return run.rows() / (jobCpuNanos / 1e9);
        }

        /** Rows per CPU-second of the Java threads but the emulator's (no GC, no JIT). */
        double rowsPerJavaThreadCpuSecond() {
            return run.rows() / (javaThreadNanos / 1e9);
        }

        /** Heap bytes allocated per row outside the emulator; NaN when not measured. */
        double allocatedBytesPerRow() {
            return allocatedBytes < 0 ? Double.NaN : (double) allocatedBytes / run.rows();
        }
    }
}
