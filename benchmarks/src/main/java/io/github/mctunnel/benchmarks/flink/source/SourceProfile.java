package io.github.mctunnel.benchmarks.flink.source;

import io.github.mctunnel.benchmarks.e2e.CpuAccount;
import io.github.mctunnel.benchmarks.flink.EventTable;
import io.github.mctunnel.benchmarks.flink.source.SourceJob.Reading;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import java.util.Locale;

/**
 * Runs one way of reading (default: {@code ROW_DATA}) with 1 reader over and over, for a profiler
 * (e.g. {@code BENCHMARK_HEAP="-Xmx3g
 * -XX:StartFlightRecording=filename=source.jfr,settings=profile" benchmarks/run.sh main
 * io.github.mctunnel.benchmarks.flink.source.SourceProfile ROW_DATA 5}). Not part of the suite.
 */
public final class SourceProfile {

    private SourceProfile() {}

    private static void run(EventTable emulator, String table, long rows, Reading reading, int i)
            throws Exception {
        CpuAccount cpu = CpuAccount.start();
        long t0 = System.nanoTime();
        SourceJob.read(emulator.connection(), table, 1, 0, reading)
                .requireRows(rows, reading.label);
        long outside = cpu.processNanos() - cpu.emulatorNanos();
        System.out.printf(
                Locale.ROOT,
                "%s %s run %d: %.2f s, %.2f CPU-s outside the emulator, %.0f B/row%n",
                reading.label,
                table,
                i + 1,
                (System.nanoTime() - t0) / 1e9,
                outside / 1e9,
                (double) cpu.allocatedBytesOutsideEmulator() / rows);
    }

    public static void main(String[] args) throws Exception {
        Reading reading = Reading.valueOf(args.length > 0 ? args[0] : "ROW_DATA");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long rows = 2_000_000;
        try (EventTable emulator = EventTable.start(EmulatorLimits.defaults())) {
            emulator.create("events", rows);
            emulator.create("tiny", 1);
            for (int i = 0; i < runs; i++) {
                run(emulator, "events", rows, reading, i);
                run(emulator, "tiny", 1, reading, i);
            }
        }
    }
}
