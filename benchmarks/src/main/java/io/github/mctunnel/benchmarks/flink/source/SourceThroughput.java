package io.github.mctunnel.benchmarks.flink.source;

import io.github.mctunnel.benchmarks.flink.EventTable;
import io.github.mctunnel.benchmarks.flink.JobRun;
import io.github.mctunnel.benchmarks.suite.BenchmarkPart;
import io.github.mctunnel.benchmarks.suite.BenchmarkResult;
import io.github.mctunnel.benchmarks.suite.SuiteSettings;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The source part of the suite (issue 9): bounded reads of one {@link
 * io.github.mctunnel.benchmarks.data.EventRows} table with our {@link
 * io.github.mctunnel.flink.source.TunnelSource}, against the embedded emulator.
 *
 * <ul>
 *   <li>group {@code source}, no bandwidth cap: the source with 1 and 2 readers (a local bounded
 *       job into a discarding sink), and the official SDK's own download of the same table in one
 *       thread, in the same run (median of 3 rounds, after an unreported warm-up round); the
 *       source's figures are compared with the SDK's (no goal).
 *   <li>group {@code limits}, the emulator pacing every download request to the service's 10 MB/s:
 *       the source with 1 and 2 readers against readers x 10 MB/s (goal: at least 90%).
 * </ul>
 *
 * <p>MB are 10^6 bytes of uncompressed record stream. Every read is uncompressed (the source is set
 * to {@code RAW}; the SDK downloads uncompressed by default), so the bytes on the wire are the
 * bytes counted, and the cap applies to exactly them. Every run checks that it read every row of
 * the table. Durations are the Flink job's net runtime (submission to the last task's end), so they
 * include scheduling, split discovery and the download session; the SDK's include its session.
 */
public final class SourceThroughput implements BenchmarkPart {

    /** The service's per-request download speed, "10 MB/s" as the seed states it. */
    static final double CAP_MEGABYTES_PER_SECOND = 10;

    private static final long CAP_BYTES_PER_SECOND = (long) (CAP_MEGABYTES_PER_SECOND * 1e6);
    private static final long FULL_ROWS = 2_000_000;
    private static final long SMOKE_ROWS = 4_000;
    private static final long WARMUP_ROWS = 300_000;
    private static final double CAPPED_SECONDS = 15;
    private static final int[] READERS = {1, 2};
    private static final double CAP_GOAL = 0.9;
    private static final int ROUNDS = 3;

    @Override
    public String name() {
        return "source";
    }

    @Override
    public List<BenchmarkResult> run(SuiteSettings settings) throws Exception {
        List<BenchmarkResult> results = new ArrayList<>(uncapped(settings.smoke()));
        results.addAll(capped(settings.smoke()));
        return results;
    }

    private List<BenchmarkResult> uncapped(boolean smoke) throws Exception {
        List<BenchmarkResult> results = new ArrayList<>();
        try (EventTable emulator = EventTable.start(EmulatorLimits.defaults())) {
            long rows = smoke ? SMOKE_ROWS : FULL_ROWS;
            double bytesPerRow = emulator.bytesPerRow();
            emulator.create("events", rows);
            if (!smoke) {
                // one unreported round of every path: JIT compilation and heap sizing
                emulator.create("warmup", WARMUP_ROWS);
                SourceJob.read(emulator.connection(), "warmup", 2, 0)
                        .requireRows(WARMUP_ROWS, "warm-up source");
                SdkDownload.read(emulator.sdkTunnel(), EventTable.PROJECT, "warmup")
                        .requireRows(WARMUP_ROWS, "warm-up SDK download");
            }
            List<JobRun> sdkRuns = new ArrayList<>();
            List<List<JobRun>> sourceRuns = new ArrayList<>();
            for (int readers : READERS) {
                sourceRuns.add(new ArrayList<>());
            }
            int rounds = smoke ? 1 : ROUNDS;
            for (int round = 1; round <= rounds; round++) {
                System.out.printf(Locale.ROOT, "  round %d of %d%n", round, rounds);
                sdkRuns.add(
                        log(
                                "SDK download, 1 thread",
                                SdkDownload.read(emulator.sdkTunnel(), EventTable.PROJECT, "events")
                                        .requireRows(rows, "SDK download"),
                                bytesPerRow));
                for (int i = 0; i < READERS.length; i++) {
                    int readers = READERS[i];
                    sourceRuns
                            .get(i)
                            .add(
                                    log(
                                            readersLabel(readers),
                                            SourceJob.read(
                                                            emulator.connection(),
                                                            "events",
                                                            readers,
                                                            0)
                                                    .requireRows(rows, readersLabel(readers)),
                                            bytesPerRow));
                }
            }
            JobRun sdk = JobRun.median(sdkRuns);
            List<JobRun> source = new ArrayList<>();
            for (List<JobRun> runs : sourceRuns) {
                source.add(JobRun.median(runs));
            }
            String table =
                    String.format(
                            Locale.ROOT,
                            "%,d rows, %.0f MB, no cap; uncompressed; median of %d rounds",
                            rows,
                            rows * bytesPerRow / 1e6,
                            rounds);
            for (int i = 0; i < READERS.length; i++) {
                JobRun run = source.get(i);
                String name = readersLabel(READERS[i]);
                results.add(
                        BenchmarkResult.compared(
                                        "source",
                                        name + " rows/s",
                                        run.rowsPerSecond(),
                                        "rec/s",
                                        "SDK 1 thread",
                                        sdk.rowsPerSecond(),
                                        Double.NaN)
                                .withNote(table));
                results.add(
                        BenchmarkResult.compared(
                                        "source",
                                        name + " MB/s",
                                        run.megabytesPerSecond(bytesPerRow),
                                        "MB/s",
                                        "SDK 1 thread",
                                        sdk.megabytesPerSecond(bytesPerRow),
                                        Double.NaN)
                                .withNote(table));
            }
            results.add(
                    BenchmarkResult.of(
                                    "source",
                                    "SDK download 1 thread rows/s",
                                    sdk.rowsPerSecond(),
                                    "rec/s")
                            .withNote(table + "; session + one record reader, every record read"));
            results.add(
                    BenchmarkResult.of(
                                    "source",
                                    "SDK download 1 thread MB/s",
                                    sdk.megabytesPerSecond(bytesPerRow),
                                    "MB/s")
                            .withNote(table));
        }
        return results;
    }

    private List<BenchmarkResult> capped(boolean smoke) throws Exception {
        List<BenchmarkResult> results = new ArrayList<>();
        EmulatorLimits limits =
                EmulatorLimits.builder().bandwidthBytesPerSecond(CAP_BYTES_PER_SECOND).build();
        try (EventTable emulator = EventTable.start(limits)) {
            double bytesPerRow = emulator.bytesPerRow();
            for (int readers : READERS) {
                // each run lasts about CAPPED_SECONDS at the cap; one split per reader
                long rows =
                        smoke
                                ? SMOKE_ROWS * readers
                                : Math.round(
                                        readers
                                                * CAP_BYTES_PER_SECOND
                                                * CAPPED_SECONDS
                                                / bytesPerRow);
                long splitRows = (rows + readers - 1) / readers;
                String table = "capped_" + readers;
                emulator.create(table, rows);
                String label = readersLabel(readers) + ", 10 MB/s cap";
                JobRun run =
                        log(
                                label,
                                SourceJob.read(emulator.connection(), table, readers, splitRows)
                                        .requireRows(rows, label),
                                bytesPerRow);
                results.add(
                        BenchmarkResult.compared(
                                        "limits",
                                        "source " + readersLabel(readers) + " MB/s",
                                        run.megabytesPerSecond(bytesPerRow),
                                        "MB/s",
                                        readers + " x 10 MB/s cap",
                                        readers * CAP_MEGABYTES_PER_SECOND,
                                        CAP_GOAL)
                                .withNote(
                                        String.format(
                                                        Locale.ROOT,
                                                        "%,d rows in %d split(s), %.1f s job incl."
                                                                + " start; uncompressed, so wire bytes ="
                                                                + " counted bytes; cap per request",
                                                        rows,
                                                        readers,
                                                        run.seconds())
                                                + (smoke
                                                        ? "; smoke: the job's start dominates a"
                                                                + " table this small"
                                                        : "")));
            }
        }
        return results;
    }

    private static String readersLabel(int readers) {
        return readers == 1 ? "1 reader" : readers + " readers";
    }

    private static JobRun log(String what, JobRun run, double bytesPerRow) {
        System.out.printf(
                Locale.ROOT,
                "  %-32s %,10d rows in %6.2f s = %,10.0f rows/s, %6.1f MB/s%n",
                what,
                run.rows(),
                run.seconds(),
                run.rowsPerSecond(),
                run.megabytesPerSecond(bytesPerRow));
        return run;
    }
}
