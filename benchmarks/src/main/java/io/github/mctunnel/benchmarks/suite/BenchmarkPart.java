package io.github.mctunnel.benchmarks.suite;

import java.util.List;

/**
 * One section of the benchmark suite (codec, sink, upsert, source), run by {@link BenchmarkSuite}.
 */
public interface BenchmarkPart {

    /** Short name used on the command line ({@code --only=codec,sink}). */
    String name();

    /**
     * Runs the measurements and returns their figures. In smoke mode every measurement runs, but as
     * briefly as possible (a few thousand rows, one short iteration): CI checks that the suite runs
     * and that every figure is produced, not the figures themselves.
     */
    List<BenchmarkResult> run(SuiteSettings settings) throws Exception;
}
