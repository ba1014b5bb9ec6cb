package io.github.mctunnel.benchmarks.suite;

import java.util.Locale;

/**
 * One figure of a benchmark run, optionally next to the figure it is compared with and the goal
 * ratio between the two.
 *
 * @param group the section of the report: {@code codec}, {@code sink}, {@code limits}, {@code
 *     upsert}, {@code source}
 * @param name what was measured, e.g. {@code "encode wide LZ4"} or {@code "sink exactly-once p2"}
 * @param value the measured figure
 * @param unit its unit, e.g. {@code "rec/s"}, {@code "MB/s"}, {@code "B/rec"}
 * @param reference what {@code value} is compared with, e.g. {@code "SDK"}, {@code "discarding
 *     sink"}, {@code "2 x 10 MB/s cap"}; null when there is no comparison
 * @param referenceValue the compared figure, in the same unit; NaN when there is no comparison
 * @param goalRatio the smallest {@code value / referenceValue} that meets the goal; NaN
 *     when there is no goal
 * @param note what limits the figure, or anything the reader must know; may be empty
 */
public record BenchmarkResult(
        String group,
        String name,
        double value,
        String unit,
        String reference,
        double referenceValue,
        double goalRatio,
        String note) {

    public BenchmarkResult {
        if (group == null || group.isBlank() || name == null || name.isBlank()) {
            throw new IllegalArgumentException("group and name are required");
        }
        if (unit == null) {
            unit = "";
        }
        if (note == null) {
            note = "";
        }
    }

    /** A figure without comparison. */
    public static BenchmarkResult of(String group, String name, double value, String unit) {
        return new BenchmarkResult(group, name, value, unit, null, Double.NaN, Double.NaN, "");
    }

    /** A figure compared with a reference, with a goal ratio (NaN for none). */
    public static BenchmarkResult compared(
            String group,
            String name,
            double value,
            String unit,
            String reference,
            double referenceValue,
            double goalRatio) {
        return new BenchmarkResult(
                group, name, value, unit, reference, referenceValue, goalRatio, "");
    }

    public BenchmarkResult withNote(String text) {
        return new BenchmarkResult(
                group, name, value, unit, reference, referenceValue, goalRatio, text);
    }

    public boolean hasReference() {
        return reference != null && !Double.isNaN(referenceValue);
    }

    /** {@code value / referenceValue}, NaN without a reference. */
    public double ratio() {
        return hasReference() && referenceValue != 0 ? value / referenceValue : Double.NaN;
    }

    public boolean hasGoal() {
        return hasReference() && !Double.isNaN(goalRatio);
    }

    /** Whether the goal is met; true when there is no goal. */
    public boolean goalMet() {
        return !hasGoal() || ratio() >= goalRatio;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s/%s = %.4g %s", group, name, value, unit);
    }
}
