package io.github.mctunnel.e2e;

import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README's quickstart true: the same code as {@code ./quickstart.sh}, with fewer rows and
 * a short commit interval for the Delta table. The numbers of the summary are checked against an
 * independent computation of the generated orders.
 */
class QuickstartITCase {

    private static final int ROWS = 6_000;
    private static final int CUSTOMERS = 97;
    private static final String[] REGIONS = {"cn-hangzhou", "cn-shanghai", "cn-beijing"};

    @Test
    void embeddedEmulatorRunWritesExactlyOnceAndReadsBackEverything() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        QuickstartReport report =
                new Quickstart(
                                QuickstartSettings.emulator(
                                        ROWS,
                                        3_000,
                                        CUSTOMERS,
                                        Duration.ofSeconds(4),
                                        Duration.ofSeconds(1)),
                                new PrintStream(console, true, StandardCharsets.UTF_8))
                        .run();
        String output = console.toString(StandardCharsets.UTF_8);

        assertThat(report.ok()).as(output).isTrue();
        assertThat(report.read()).isEqualTo(expectedPartitions()).isEqualTo(report.written());
        assertThat(report.readTotals()).isEqualTo(expectedTotals());
        assertThat(report.expectedTotals()).isEqualTo(expectedTotals());
        assertThat(report.progress().generated()).isEqualTo(ROWS);
        assertThat(report.progress().ordersCommitted()).isEqualTo(ROWS);
        assertThat(report.progress().ordersUploaded()).isEqualTo(ROWS);
        // one change per order; compaction sends fewer (the last per customer and flush)
        assertThat(report.progress().changesReceived()).isEqualTo(ROWS);
        assertThat(report.progress().changesSent()).isBetween(1L, (long) ROWS);
        assertThat(report.progress().checkpoints()).isPositive();
        assertThat(report.progress().deltaCommits()).isPositive();

        assertThat(output)
                .contains("Target: the embedded Tunnel emulator")
                .containsPattern("(?m)^\\[ *\\d+s\\] +[\\d,]+ orders")
                .contains("ds=20261122,region=cn-beijing")
                .contains(
                        "OK: 6,000 orders written exactly once to 3 partitions and read back"
                                + " (written = read); 97 customer totals upserted and read back as"
                                + " expected");
    }

    @Test
    void withAnEndpointTheSameDemoRunsAgainstThatProjectWithSuffixedTables() throws Exception {
        try (TunnelEmulator service =
                TunnelEmulator.builder()
                        .port(0)
                        .project("analytics")
                        .credentials("LTAI-demo-id", "very-secret-key")
                        .limits(
                                EmulatorLimits.builder()
                                        .upsertCommitInterval(Duration.ofSeconds(1))
                                        .build())
                        .build()
                        .start()) {
            QuickstartSettings settings =
                    QuickstartSettings.parse(
                            new String[] {
                                "--project", "analytics",
                                "--access-id", "LTAI-demo-id",
                                "--rows", "3000",
                                "--rows-per-second", "3000",
                                "--customers", "50",
                                "--upsert-commit-interval", "1"
                            },
                            Map.of(
                                    "MAXCOMPUTE_ENDPOINT",
                                    service.odpsEndpoint(),
                                    "MAXCOMPUTE_ACCESS_KEY",
                                    "very-secret-key"));
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            QuickstartReport report =
                    new Quickstart(settings, new PrintStream(console, true, StandardCharsets.UTF_8))
                            .run();
            String output = console.toString(StandardCharsets.UTF_8);

            assertThat(report.ok()).as(output).isTrue();
            assertThat(report.writtenRows()).isEqualTo(3_000);
            assertThat(report.readRows()).isEqualTo(3_000);
            assertThat(report.readTotals()).hasSize(50);
            // no emulator of its own: the Delta table's commits are not counted
            assertThat(report.progress().deltaCommits()).isEqualTo(-1);
            assertThat(output)
                    .contains("Target: project analytics at " + service.odpsEndpoint())
                    .doesNotContain("embedded")
                    .doesNotContain("very-secret-key")
                    .containsPattern(
                            "DROP TABLE qs_orders_\\d{8}_\\d{6}; DROP TABLE"
                                    + " qs_customer_totals_\\d{8}_\\d{6};")
                    .contains("OK: 3,000 orders written exactly once to 3 partitions");
        }
    }

    /** Per partition: rows, distinct ids, amount; computed here, not with the demo's SQL. */
    private static Map<String, QuickstartReport.PartitionCounts> expectedPartitions() {
        Map<String, long[]> rows = new TreeMap<>();
        Map<String, BigDecimal> amounts = new TreeMap<>();
        for (long id = 1; id <= ROWS; id++) {
            String partition = "ds=20261122,region=" + REGIONS[(int) (id % 3)];
            rows.computeIfAbsent(partition, p -> new long[1])[0]++;
            amounts.merge(partition, amount(id), BigDecimal::add);
        }
        Map<String, QuickstartReport.PartitionCounts> out = new TreeMap<>();
        rows.forEach(
                (p, n) ->
                        out.put(
                                p,
                                new QuickstartReport.PartitionCounts(n[0], n[0], amounts.get(p))));
        return out;
    }

    /** Per customer: [order_count, total_amount]. */
    private static Map<Long, List<Object>> expectedTotals() {
        Map<Long, Long> counts = new TreeMap<>();
        Map<Long, BigDecimal> sums = new TreeMap<>();
        for (long id = 1; id <= ROWS; id++) {
            long customer = id * 104729 % CUSTOMERS + 1;
            counts.merge(customer, 1L, Long::sum);
            sums.merge(customer, amount(id), BigDecimal::add);
        }
        Map<Long, List<Object>> out = new TreeMap<>();
        counts.forEach((c, n) -> out.put(c, List.of(n, sums.get(c))));
        return out;
    }

    private static BigDecimal amount(long id) {
        return BigDecimal.valueOf(id * 7919 % 100_000 + 1, 2);
    }
}
