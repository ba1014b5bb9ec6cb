package io.github.mctunnel.e2e;

import io.github.mctunnel.e2e.QuickstartReport.PartitionCounts;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class QuickstartReportTest {

    private static final Map<String, PartitionCounts> WRITTEN =
            Map.of(
                    "ds=1,region=a", new PartitionCounts(3, 3, new BigDecimal("6.00")),
                    "ds=1,region=b", new PartitionCounts(2, 2, new BigDecimal("1.50")));
    private static final Map<Long, List<Object>> TOTALS =
            Map.of(
                    1L,
                    List.of(2L, new BigDecimal("3.00")),
                    2L,
                    List.of(3L, new BigDecimal("4.50")));
    private static final LiveProgress.Snapshot PROGRESS =
            new LiveProgress.Snapshot(5, 2, 5, 5, 4, 3, 2, 1);

    @Test
    void equalReadBackIsOk() {
        QuickstartReport report = new QuickstartReport(WRITTEN, WRITTEN, PROGRESS, TOTALS, TOTALS);

        assertThat(report.ok()).isTrue();
        assertThat(report.render("t", "u"))
                .contains("Sink: 5 rows committed in 4 commits over 2 checkpoints")
                .contains(
                        "customers expected 2, read 2, differing 0; 5 changes, 3 sent (the rest compacted), 1"
                                + " commits")
                .endsWith(
                        "OK: 5 orders written exactly once to 2 partitions and read back (written ="
                                + " read); 2 customer totals upserted and read back as expected");
    }

    @Test
    void aMissingRowIsAMismatchMarkedOnItsPartition() {
        Map<String, PartitionCounts> read =
                Map.of(
                        "ds=1,region=a", new PartitionCounts(3, 3, new BigDecimal("6.00")),
                        "ds=1,region=b", new PartitionCounts(1, 1, new BigDecimal("1.00")));
        QuickstartReport report = new QuickstartReport(WRITTEN, read, PROGRESS, TOTALS, TOTALS);

        assertThat(report.ok()).isFalse();
        assertThat(report.render("t", "u"))
                .containsPattern("ds=1,region=b +2 +1 +1 +1\\.50 +1\\.00  <-")
                .endsWith("MISMATCH: what was read back differs from what was written (see above)");
    }

    @Test
    void duplicatesAreAMismatchEvenWhenCountsAgree() {
        // the same number of rows, but one order id twice: rows != distinct ids
        Map<String, PartitionCounts> written =
                Map.of("ds=1,region=a", new PartitionCounts(3, 2, new BigDecimal("6.00")));
        QuickstartReport report =
                new QuickstartReport(
                        written,
                        written,
                        new LiveProgress.Snapshot(3, 1, 3, 3, 1, 3, 0, 1),
                        TOTALS,
                        TOTALS);

        assertThat(report.ok()).isFalse();
    }

    @Test
    void aDifferingCustomerTotalIsAMismatchNamingTheCustomer() {
        Map<Long, List<Object>> read =
                Map.of(
                        1L,
                        List.of(2L, new BigDecimal("3.00")),
                        2L,
                        List.of(2L, new BigDecimal("4.50")));
        QuickstartReport report = new QuickstartReport(WRITTEN, WRITTEN, PROGRESS, TOTALS, read);

        assertThat(report.ok()).isFalse();
        assertThat(report.mismatchedCustomers()).containsExactly(2L);
        assertThat(report.render("t", "u"))
                .contains("differing 1 (first: customer 2 expected [3, 4.50], read [2, 4.50])");
    }

    @Test
    void rowsWrittenButNotCommittedByTheSinkAreAMismatch() {
        QuickstartReport report =
                new QuickstartReport(
                        WRITTEN,
                        WRITTEN,
                        new LiveProgress.Snapshot(5, 2, 5, 4, 4, 5, 0, 1),
                        TOTALS,
                        TOTALS);

        assertThat(report.ok()).isFalse();
    }
}
