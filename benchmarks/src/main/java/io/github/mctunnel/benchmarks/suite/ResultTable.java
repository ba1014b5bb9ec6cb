package io.github.mctunnel.benchmarks.suite;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders results as one table: plain text for the console, Markdown for the docs. */
public final class ResultTable {

    private static final String[] HEADER = {
        "group", "measurement", "value", "unit", "compared with", "reference", "ratio", "goal"
    };

    private final List<BenchmarkResult> results;

    public ResultTable(List<BenchmarkResult> results) {
        this.results = List.copyOf(results);
    }

    /** Prints an aligned text table, followed by the notes of the results that have one. */
    public void print(PrintStream out) {
        List<String[]> rows = rows();
        int[] width = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean numeric = i == 2 || i == 5 || i == 6;
                String cell = row[i];
                String pad = " ".repeat(width[i] - cell.length());
                line.append(numeric && r > 0 ? pad + cell : cell + pad);
                line.append(i + 1 < row.length ? "  " : "");
            }
            out.println(line.toString().stripTrailing());
            if (r == 0) {
                StringBuilder rule = new StringBuilder();
                for (int i = 0; i < width.length; i++) {
                    rule.append("-".repeat(width[i])).append(i + 1 < width.length ? "  " : "");
                }
                out.println(rule);
            }
        }
        for (BenchmarkResult result : results) {
            if (!result.note().isEmpty()) {
                out.println("* " + result.group() + " / " + result.name() + ": " + result.note());
            }
        }
    }

    /** The table in GitHub Markdown (numbers right-aligned). */
    public String markdown() {
        List<String[]> rows = rows();
        StringBuilder md = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            md.append("| ").append(String.join(" | ", rows.get(r))).append(" |\n");
            if (r == 0) {
                md.append("|---|---|---:|---|---|---:|---:|---|\n");
            }
        }
        return md.toString();
    }

    private List<String[]> rows() {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (BenchmarkResult r : results) {
            rows.add(
                    new String[] {
                        r.group(),
                        r.name(),
                        format(r.value()),
                        r.unit(),
                        r.hasReference() ? r.reference() : "",
                        r.hasReference() ? format(r.referenceValue()) : "",
                        Double.isNaN(r.ratio())
                                ? ""
                                : String.format(Locale.ROOT, "%.2fx", r.ratio()),
                        goal(r)
                    });
        }
        return rows;
    }

    private static String goal(BenchmarkResult r) {
        if (!r.hasGoal()) {
            return "";
        }
        String target =
                r.goalRatio() >= 1
                        ? String.format(Locale.ROOT, ">= %.1fx", r.goalRatio())
                        : String.format(Locale.ROOT, ">= %.0f%%", r.goalRatio() * 100);
        return target + (r.goalMet() ? " met" : " NOT met");
    }

    /** Three significant figures, with thousands separators for large values. */
    static String format(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
