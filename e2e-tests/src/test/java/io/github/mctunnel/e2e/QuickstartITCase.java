package io.github.mctunnel.e2e;

import org.apache.flink.types.Row;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Keeps the README's quickstart true: the same code, with fewer rows. */
class QuickstartITCase {

    @Test
    void quickstartWritesAndReadsBackEveryRowExactlyOnce() throws Exception {
        Quickstart.Result result = Quickstart.run(2_000);

        assertThat(result.read()).hasSize(2_000);
        assertThat(result.matches()).as(result.summary()).isTrue();
        assertThat(new HashSet<>(result.read().stream().map(r -> r.getField(4)).toList()))
                .hasSize(9);

        List<Row> read =
                result.read().stream()
                        .sorted(Comparator.comparingLong(r -> (Long) r.getField(0)))
                        .toList();
        Row row = read.get(1234);
        assertThat(row.getField(0)).isEqualTo(1234L);
        assertThat(row.getField(1)).isEqualTo("user-70-\u00e9\u4e2d");
        assertThat(row.getField(2)).isEqualTo(new BigDecimal("690.58"));
        assertThat(row.getField(3))
                .isEqualTo(
                        Instant.parse("2026-11-22T00:00:00Z")
                                .plusMillis(1234 * 8_640_123L)
                                .plusNanos(234));
        assertThat(row.getField(4)).isEqualTo("20261112");
    }
}
