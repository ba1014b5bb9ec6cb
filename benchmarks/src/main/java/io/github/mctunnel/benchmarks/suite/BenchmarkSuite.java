package io.github.mctunnel.benchmarks.suite;

import io.github.mctunnel.benchmarks.codec.CodecComparison;
import io.github.mctunnel.benchmarks.flink.sink.SinkThroughput;
import io.github.mctunnel.benchmarks.flink.source.SourceThroughput;
import io.github.mctunnel.benchmarks.flink.upsert.UpsertThroughput;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs the benchmark parts one after the other and prints one table of all figures (the entry point
 * of {@code benchmarks/run.sh}).
 *
 * <p>Options: {@code --smoke} (every measurement, as briefly as possible), {@code
 * --only=codec,sink,...} (a subset of parts), {@code --out=DIR} (results.csv, results.md and the
 * goals chart goals.png; default {@code benchmarks/target/benchmark-results}).
 */
public final class BenchmarkSuite {

    /** The parts, in the order they run and appear in the report. */
    static List<BenchmarkPart> parts() {
        return List.of(
                new CodecComparison(),
                new SinkThroughput(),
                new UpsertThroughput(),
                new SourceThroughput());
    }

    /** The file name of the goals chart in the output directory. */
    public static final String CHART = "goals.png";

    private BenchmarkSuite() {}

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        Set<String> only = new LinkedHashSet<>();
        Path out = Path.of("benchmarks", "target", "benchmark-results");
        for (String arg : args) {
            if (arg.equals("--smoke")) {
                smoke = true;
            } else if (arg.startsWith("--only=")) {
                only.addAll(Arrays.asList(arg.substring("--only=".length()).split(",")));
            } else if (arg.startsWith("--out=")) {
                out = Path.of(arg.substring("--out=".length()));
            } else {
                throw new IllegalArgumentException(
                        "Unknown option "
                                + arg
                                + "; valid: --smoke, --only=<"
                                + String.join(",", names())
                                + ">, --out=<dir>");
            }
        }
        List<BenchmarkResult> results = run(new SuiteSettings(smoke, out), only, System.out);
        System.out.println();
        new ResultTable(results).print(System.out);
    }

    /**
     * Runs the selected parts (all when {@code only} is empty), writes {@code results.csv} and
     * {@code results.md} into the output directory, and returns every figure.
     */
    public static List<BenchmarkResult> run(
            SuiteSettings settings, Set<String> only, PrintStream log) throws Exception {
        for (String name : only) {
            if (!names().contains(name)) {
                throw new IllegalArgumentException(
                        "Unknown part '" + name + "'; valid: " + String.join(",", names()));
            }
        }
        Files.createDirectories(settings.outputDir());
        List<BenchmarkResult> all = new ArrayList<>();
        for (BenchmarkPart part : parts()) {
            if (!only.isEmpty() && !only.contains(part.name())) {
                continue;
            }
            long start = System.nanoTime();
            log.printf(Locale.ROOT, "== %s%s%n", part.name(), settings.smoke() ? " (smoke)" : "");
            List<BenchmarkResult> results = part.run(settings);
            log.printf(
                    Locale.ROOT,
                    "== %s: %d figures in %.0f s%n",
                    part.name(),
                    results.size(),
                    (System.nanoTime() - start) / 1e9);
            all.addAll(results);
        }
        write(settings.outputDir(), all);
        return all;
    }

    private static List<String> names() {
        List<String> names = new ArrayList<>();
        for (BenchmarkPart part : parts()) {
            names.add(part.name());
        }
        return names;
    }

    private static void write(Path dir, List<BenchmarkResult> results) throws IOException {
        StringBuilder csv =
                new StringBuilder(
                        "group,name,value,unit,reference,reference_value,goal_ratio,goal_met,note\n");
        for (BenchmarkResult r : results) {
            csv.append(
                            String.join(
                                    ",",
                                    quote(r.group()),
                                    quote(r.name()),
                                    Double.toString(r.value()),
                                    quote(r.unit()),
                                    quote(r.hasReference() ? r.reference() : ""),
                                    Double.toString(r.referenceValue()),
                                    Double.toString(r.goalRatio()),
                                    r.hasGoal() ? Boolean.toString(r.goalMet()) : "",
                                    quote(r.note())))
                    .append('\n');
        }
        Files.writeString(dir.resolve("results.csv"), csv, StandardCharsets.UTF_8);
        Files.writeString(
                dir.resolve("results.md"),
                new ResultTable(results).markdown(),
                StandardCharsets.UTF_8);
        RatioChart chart = new RatioChart(results);
        if (!chart.isEmpty()) {
            chart.write(dir.resolve(CHART), "MaxCompute Tunnel connector: benchmark goals");
        }
    }

    private static String quote(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
