package io.github.mctunnel.benchmarks.suite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CI's check of the benchmark suite: every part runs in smoke mode (every measurement, briefly) and
 * produces its figures, the result files and the goals chart. The figures themselves are not
 * checked: CI machines are no place for speed goals (those live in docs/benchmarks.md).
 */
class BenchmarkSuiteSmokeITCase {

    @Test
    void everyPartRunsAndReportsFiguresInSmokeMode(@TempDir Path dir) throws Exception {
        List<BenchmarkResult> results =
                BenchmarkSuite.run(new SuiteSettings(true, dir), Set.of(), System.out);

        Set<String> parts = new LinkedHashSet<>();
        for (BenchmarkPart part : BenchmarkSuite.parts()) {
            parts.add(part.name());
        }
        assertThat(parts).containsExactly("codec", "sink", "upsert", "source");
        assertThat(results)
                .extracting(BenchmarkResult::group)
                .contains("codec", "sink", "upsert", "source", "limits");
        for (BenchmarkResult r : results) {
            assertThat(Double.isFinite(r.value()) && r.value() >= 0).as(r.toString()).isTrue();
            if (r.hasReference()) {
                assertThat(r.referenceValue()).as(r.toString()).isNotNegative();
            }
        }
        assertThat(Files.readAllLines(dir.resolve("results.csv"), StandardCharsets.UTF_8))
                .hasSize(results.size() + 1);
        assertThat(Files.readString(dir.resolve("results.md"), StandardCharsets.UTF_8).lines())
                .hasSize(results.size() + 2);
        assertThat(dir.resolve(BenchmarkSuite.CHART)).isNotEmptyFile();
    }
}
