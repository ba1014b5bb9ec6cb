package io.github.mctunnel.benchmarks.codec;

import io.github.mctunnel.benchmarks.suite.BenchmarkPart;
import io.github.mctunnel.benchmarks.suite.BenchmarkResult;
import io.github.mctunnel.benchmarks.suite.SuiteSettings;
import io.github.mctunnel.client.compress.Compression;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The codec part of the suite (issue 9): {@link CodecComparisonBenchmark} through JMH with its GC
 * profiler, our codec against the official SDK's on three schemas and every compression both
 * support. Figures (group {@code codec}): our records/s compared with the SDK's (goal: 1.5x) per
 * schema, compression and direction, with MB/s of uncompressed record stream in the note; and the
 * bytes allocated per record, ours against the SDK's, without compression.
 */
public final class CodecComparison implements BenchmarkPart {

    private static final double GOAL = 1.5;

    @Override
    public String name() {
        return "codec";
    }

    @Override
    public List<BenchmarkResult> run(SuiteSettings settings) throws Exception {
        ChainedOptionsBuilder options =
                new OptionsBuilder()
                        .include(CodecComparisonBenchmark.class.getName())
                        .addProfiler(GCProfiler.class)
                        .shouldFailOnError(true);
        if (settings.smoke()) {
            options.forks(0)
                    .warmupIterations(0)
                    .measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(50));
        } else {
            options.forks(1)
                    .warmupIterations(1)
                    .warmupTime(TimeValue.seconds(1))
                    .measurementIterations(2)
                    .measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> runs = new Runner(options.build()).run();

        Map<String, Figure> figures = new HashMap<>();
        for (RunResult run : runs) {
            BenchmarkParams params = run.getParams();
            String method =
                    params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            Result alloc = run.getSecondaryResults().get("gc.alloc.rate.norm");
            figures.put(
                    key(method, params.getParam("schema"), params.getParam("compression")),
                    new Figure(
                            run.getPrimaryResult().getScore(),
                            alloc == null ? Double.NaN : alloc.getScore()));
        }

        List<BenchmarkResult> results = new ArrayList<>();
        for (CodecSchema schema : CodecSchema.values()) {
            double bytesPerRecord = bytesPerRecord(schema);
            for (String direction : List.of("encode", "decode")) {
                for (Compression compression : Compression.values()) {
                    Figure ours = figures.get(key("our" + cap(direction), schema, compression));
                    Figure sdk = figures.get(key("sdk" + cap(direction), schema, compression));
                    if (ours == null || sdk == null) {
                        throw new IllegalStateException(
                                "No JMH result for "
                                        + direction
                                        + " "
                                        + schema
                                        + " "
                                        + compression);
                    }
                    results.add(
                            BenchmarkResult.compared(
                                            "codec",
                                            direction + " " + label(schema) + " " + compression,
                                            ours.recordsPerSecond,
                                            "rec/s",
                                            "SDK",
                                            sdk.recordsPerSecond,
                                            GOAL)
                                    .withNote(
                                            String.format(
                                                    Locale.ROOT,
                                                    "%.0f MB/s of record stream (SDK %.0f);"
                                                            + " %.0f B/record",
                                                    ours.recordsPerSecond * bytesPerRecord / 1e6,
                                                    sdk.recordsPerSecond * bytesPerRecord / 1e6,
                                                    bytesPerRecord)));
                }
                Figure ours = figures.get(key("our" + cap(direction), schema, Compression.RAW));
                Figure sdk = figures.get(key("sdk" + cap(direction), schema, Compression.RAW));
                BenchmarkResult alloc =
                        new BenchmarkResult(
                                "codec",
                                direction + " " + label(schema) + " RAW, allocated",
                                wholeBytes(ours.bytesPerRecord),
                                "B/rec",
                                "SDK",
                                wholeBytes(sdk.bytesPerRecord),
                                Double.NaN,
                                direction.equals("encode") ? "goal: near zero" : "");
                results.add(alloc);
            }
        }
        return results;
    }

    private static double bytesPerRecord(CodecSchema schema) throws IOException {
        int n = CodecComparisonBenchmark.BATCH;
        return (double)
                        CodecComparisonBenchmark.ourEncoded(
                                        schema, Compression.RAW, schema.rows(n, 7))
                                .length
                / n;
    }

    /**
     * Allocation rounded to whole bytes: below that it is measurement residue (JMH's own
     * bookkeeping spread over the operations), and a ratio of two residues would mean nothing.
     */
    private static double wholeBytes(double bytes) {
        return Double.isNaN(bytes) ? bytes : Math.round(bytes);
    }

    private static String label(CodecSchema schema) {
        return schema.name().toLowerCase(Locale.ROOT);
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String key(String method, Object schema, Object compression) {
        return method + "|" + schema + "|" + compression;
    }

    private record Figure(double recordsPerSecond, double bytesPerRecord) {}
}
