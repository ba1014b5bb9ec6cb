package io.github.mctunnel.e2e;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the quickstart wrote and read back, and whether they agree: per partition of the orders
 * table the generated rows and amount against the rows, distinct order ids and amount read back;
 * for the Delta table the expected count and sum per customer against the rows read back.
 *
 * @param written per partition spec, what the pipeline generated
 * @param read per partition spec, what the source read back
 * @param progress the write job's final metrics
 * @param expectedTotals per customer id, the expected [order_count, total_amount]
 * @param readTotals per customer id, the [order_count, total_amount] read back
 */
record QuickstartReport(
        Map<String, PartitionCounts> written,
        Map<String, PartitionCounts> read,
        LiveProgress.Snapshot progress,
        Map<Long, List<Object>> expectedTotals,
        Map<Long, List<Object>> readTotals) {

    /** Rows, distinct order ids and summed amount of one partition. */
    record PartitionCounts(long rows, long distinctIds, BigDecimal amount) {}

    long writtenRows() {
        return written.values().stream().mapToLong(PartitionCounts::rows).sum();
    }

    long readRows() {
        return read.values().stream().mapToLong(PartitionCounts::rows).sum();
    }

    /** Customers whose totals read back differ from the expected ones (or are missing/extra). */
    List<Long> mismatchedCustomers() {
        List<Long> keys = new ArrayList<>();
        for (Long key : new TreeSet<>(union(expectedTotals.keySet(), readTotals.keySet()))) {
            if (!Objects.equals(expectedTotals.get(key), readTotals.get(key))) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static <T> TreeSet<T> union(java.util.Set<T> a, java.util.Set<T> b) {
        TreeSet<T> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /** Every partition read back as written, no duplicates, and the Delta table as expected. */
    boolean ok() {
        return !written.isEmpty()
                && written.equals(read)
                && read.values().stream().allMatch(p -> p.rows() == p.distinctIds())
                && progress.ordersCommitted() == writtenRows()
                && !expectedTotals.isEmpty()
                && mismatchedCustomers().isEmpty();
    }

    /** The summary table and the verdict line. */
    String render(String ordersTable, String totalsTable) {
        StringBuilder sb = new StringBuilder();
        String format = "%-36s %12s %12s %12s %16s %16s%n";
        sb.append(String.format("%nTable %s (exactly-once, dynamic partitions)%n", ordersTable));
        sb.append(
                String.format(
                        format,
                        "partition",
                        "written",
                        "read",
                        "distinct ids",
                        "amount written",
                        "amount read"));
        TreeMap<String, PartitionCounts> all = new TreeMap<>(written);
        read.forEach(all::putIfAbsent);
        PartitionCounts none = new PartitionCounts(0, 0, BigDecimal.ZERO);
        for (String partition : all.keySet()) {
            PartitionCounts w = written.getOrDefault(partition, none);
            PartitionCounts r = read.getOrDefault(partition, none);
            sb.append(
                    String.format(
                            format,
                            partition,
                            String.format("%,d", w.rows()),
                            String.format("%,d", r.rows()),
                            String.format("%,d", r.distinctIds()),
                            String.format("%,.2f", w.amount()),
                            String.format("%,.2f", r.amount())
                                    + (w.equals(r) && r.rows() == r.distinctIds() ? "" : "  <-")));
        }
        sb.append(
                String.format(
                        format,
                        "total",
                        String.format("%,d", writtenRows()),
                        String.format("%,d", readRows()),
                        "",
                        "",
                        ""));
        sb.append(
                String.format(
                        "Sink: %,d rows committed in %d commits over %d checkpoints%n",
                        progress.ordersCommitted(),
                        progress.ordersCommits(),
                        progress.checkpoints()));
        List<Long> mismatched = mismatchedCustomers();
        sb.append(
                String.format(
                        "%nTable %s (Delta table, upserts of COUNT(*) and SUM(amount) per"
                                + " customer)%n",
                        totalsTable));
        sb.append(
                String.format(
                        "customers expected %,d, read %,d, differing %,d%s; %,d changes, %,d sent"
                                + " (the rest compacted)%s%n",
                        expectedTotals.size(),
                        readTotals.size(),
                        mismatched.size(),
                        mismatched.isEmpty()
                                ? ""
                                : " (first: customer "
                                        + mismatched.get(0)
                                        + " expected "
                                        + expectedTotals.get(mismatched.get(0))
                                        + ", read "
                                        + readTotals.get(mismatched.get(0))
                                        + ")",
                        progress.changesReceived(),
                        progress.changesSent(),
                        progress.deltaCommits() < 0
                                ? ""
                                : ", " + progress.deltaCommits() + " commits"));
        sb.append('\n');
        if (ok()) {
            sb.append(
                    String.format(
                            "OK: %,d orders written exactly once to %d partitions and read back"
                                    + " (written = read); %,d customer totals upserted and read"
                                    + " back as expected",
                            writtenRows(), written.size(), readTotals.size()));
        } else {
            sb.append("MISMATCH: what was read back differs from what was written (see above)");
        }
        return sb.toString();
    }
}
