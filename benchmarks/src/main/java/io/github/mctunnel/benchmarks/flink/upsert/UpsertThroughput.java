package io.github.mctunnel.benchmarks.flink.upsert;

import io.github.mctunnel.benchmarks.data.EventRows;
import io.github.mctunnel.benchmarks.e2e.CpuAccount;
import io.github.mctunnel.benchmarks.flink.EventTable;
import io.github.mctunnel.benchmarks.flink.SteadyWindow;
import io.github.mctunnel.benchmarks.flink.sink.EncodeRate;
import io.github.mctunnel.benchmarks.suite.BenchmarkPart;
import io.github.mctunnel.benchmarks.suite.BenchmarkResult;
import io.github.mctunnel.benchmarks.suite.SuiteSettings;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The upsert part of the suite (issue 18's upsert goals): a changelog of {@code BinaryRowData}
 * (1,000 keys, each changed 100 times in every flush window, 20 windows) into {@code
 * TunnelUpsertSink} at parallelism 2 against the embedded emulator, compaction on.
 *
 * <ul>
 *   <li>Compaction: records sent (the writers' {@code numRecordsSend}) per change received; goal:
 *       at most 1/50, reported as the share of changes not sent (at least 98%).
 *   <li>The final table state equals the changelog applied once: every key's row read back from the
 *       emulator and compared with the replayed changelog; a difference fails the run.
 *   <li>CPU: changes (rows) per CPU-second outside the emulator, against the codec's single-thread
 *       encode rate of the same rows ("vs encode"; goal: at least a third, as for the other sinks).
 * </ul>
 */
public final class UpsertThroughput implements BenchmarkPart {

    static final int KEYS = 1_000;
    static final int CHANGES_PER_KEY = 100;
    private static final int WINDOWS = 20;
    private static final int WARMUP_WINDOWS = 3;

    /** Smoke: the same shape on 100 keys and 2 windows (20,000 changes). */
    private static final int SMOKE_KEYS = 100;

    private static final int SMOKE_WINDOWS = 2;

    /** Issue 18: records sent at most 1/50 of the changes received. */
    static final double MAX_SENT_PER_CHANGE = 1.0 / 50;

    /** Issue 18: rows per CPU-second at least a third of the codec's encode rate. */
    private static final double ENCODE_GOAL = 1.0 / 3;

    private static final long ENCODE_ROWS = 2_000_000;
    private static final long SMOKE_ENCODE_ROWS = 5_000;

    private static final String LABEL = "upsert sink, RowData (SQL)";

    @Override
    public String name() {
        return "upsert";
    }

    @Override
    public List<BenchmarkResult> run(SuiteSettings settings) throws Exception {
        boolean smoke = settings.smoke();
        Changelog changelog =
                new Changelog(
                        smoke ? SMOKE_KEYS : KEYS,
                        CHANGES_PER_KEY,
                        smoke ? SMOKE_WINDOWS : WINDOWS);
        if (!smoke) {
            // one unreported run: JIT compilation and heap sizing
            write(new Changelog(KEYS, CHANGES_PER_KEY, WARMUP_WINDOWS), "upsert_warmup");
        }
        Measured m = write(changelog, "upsert_events");
        long encodeRows = smoke ? SMOKE_ENCODE_ROWS : ENCODE_ROWS;
        double encodeFields = EncodeRate.fields(encodeRows, smoke ? 0 : encodeRows);
        return results(changelog, m, encodeFields, smoke);
    }

    private static List<BenchmarkResult> results(
            Changelog changelog, Measured m, double encodeFields, boolean smoke) {
        long received = changelog.changes();
        double sentPerChange = (double) m.sent / received;
        boolean compactionMet = sentPerChange <= MAX_SENT_PER_CHANGE;
        long expectedSent = (long) changelog.keys * changelog.windows;
        String shape =
                String.format(
                        Locale.ROOT,
                        "%,d keys x %d changes per key per flush window x %d windows%s",
                        changelog.keys,
                        changelog.changesPerKey,
                        changelog.windows,
                        smoke ? " (smoke)" : "");
        System.out.printf(
                Locale.ROOT,
                "  upsert: %s: %,d changes received, %,d records sent (1/%.0f of the changes;"
                        + " goal at most 1/50: %s), %,d compacted; final table state %s;"
                        + " %,.0f changes per CPU-s outside the emulator, codec encode %,.0f"
                        + " rows/CPU-s (%.2fx; goal at least 1/3: %s)%n",
                shape,
                received,
                m.sent,
                1 / sentPerChange,
                compactionMet ? "met" : "NOT met",
                m.compacted,
                "equals the changelog applied once (" + m.rowsChecked + " rows checked)",
                m.rowsPerJobCpuSecond(received),
                encodeFields,
                m.rowsPerJobCpuSecond(received) / encodeFields,
                m.rowsPerJobCpuSecond(received) / encodeFields >= ENCODE_GOAL ? "met" : "NOT met");

        List<BenchmarkResult> results = new ArrayList<>();
        results.add(
                BenchmarkResult.of("upsert", "changes received", received, "changes")
                        .withNote(
                                shape
                                        + "; 1 change in 16 a delete, the others inserts and"
                                        + " updates (UPDATE_AFTER); the writers flush at each"
                                        + " checkpoint only, and the source emits one window per"
                                        + " checkpoint"));
        results.add(
                BenchmarkResult.of("upsert", "records sent", m.sent, "records")
                        .withNote(
                                String.format(
                                        Locale.ROOT,
                                        "the %d writers' numRecordsSend (%s 1 per key per flush"
                                                + " window, %,d); changesCompacted %,d; the"
                                                + " emulator took %,d bucket flushes and %,d"
                                                + " commits",
                                        UpsertJob.PARALLELISM,
                                        m.sent == expectedSent ? "exactly" : "expected",
                                        expectedSent,
                                        m.compacted,
                                        m.flushes,
                                        m.commits)));
        results.add(
                BenchmarkResult.of("upsert", "records sent per change received", sentPerChange, "")
                        .withNote(
                                String.format(
                                        Locale.ROOT,
                                        "1/%.0f; goal: at most 1/50 (0.02): %s",
                                        1 / sentPerChange,
                                        compactionMet ? "met" : "NOT met")));
        results.add(
                BenchmarkResult.compared(
                                "upsert",
                                "changes compacted away (not sent)",
                                received - m.sent,
                                "changes",
                                "changes received",
                                received,
                                1 - MAX_SENT_PER_CHANGE)
                        .withNote(
                                "the goal \"records sent at most 1/50 of the changes received\""
                                        + " as the share not sent"));
        results.add(
                BenchmarkResult.of(
                                "upsert",
                                "final table state = changelog applied once",
                                m.rowsChecked,
                                "rows")
                        .withNote(
                                String.format(
                                        Locale.ROOT,
                                        "checked: every key's committed row equals its row in"
                                                + " the changelog applied once, and the %,d keys"
                                                + " whose last change is a delete are absent",
                                        changelog.keys - m.rowsChecked)));
        results.add(
                BenchmarkResult.of(
                                "upsert",
                                "codec encode, field path, 1 thread",
                                encodeFields,
                                "rows/CPU-s")
                        .withNote(
                                "typed setters of the same event rows: the \"vs encode\" reference"));
        results.add(
                BenchmarkResult.compared(
                                "upsert",
                                LABEL + ", rows per CPU-s vs encode",
                                m.rowsPerJobCpuSecond(received),
                                "rows/CPU-s",
                                "codec encode, field path",
                                encodeFields,
                                ENCODE_GOAL)
                        .withNote(
                                "rows = changes received; the job's CPU (source, bucket routing,"
                                        + " shuffle, serializer, compaction, encoding the records"
                                        + " sent, commits, Flink) per change, emulator threads"
                                        + " excluded"));
        if (!smoke && m.steady.seen()) {
            results.add(
                    BenchmarkResult.compared(
                                    "upsert",
                                    LABEL + ", rows per CPU-s past start-up vs encode",
                                    m.steady.rowsPerCpuSecond(),
                                    "rows/CPU-s",
                                    "codec encode, field path",
                                    encodeFields,
                                    ENCODE_GOAL)
                            .withNote(
                                    String.format(
                                            Locale.ROOT,
                                            "CPU outside the emulator between 30%% and 90%% of the"
                                                    + " changes emitted (%,d changes, %.2f CPU-s);"
                                                    + " %.0f B allocated per change there",
                                            m.steady.rows(),
                                            m.steady.cpuNanos() / 1e9,
                                            m.steady.allocatedBytesPerRow())));
        }
        results.add(
                BenchmarkResult.of(
                                "upsert",
                                LABEL + ", bytes allocated per row",
                                m.allocatedBytesPerRow(received),
                                "B/row")
                        .withNote(
                                "every thread of the process but the emulator's, Flink's own"
                                        + " work included"));
        results.add(
                BenchmarkResult.of(
                                "upsert",
                                LABEL + ", p" + UpsertJob.PARALLELISM,
                                received / (m.nanos / 1e9),
                                "rows/s")
                        .withNote(
                                String.format(
                                        Locale.ROOT,
                                        "%,d changes in %.1f s (net job runtime: start-up, one"
                                                + " checkpoint per window and the final commit"
                                                + " included); the source is one thread",
                                        received,
                                        m.nanos / 1e9)));
        return results;
    }

    /** Runs the changelog into a fresh table of a fresh emulator and checks the final state. */
    private static Measured write(Changelog changelog, String table) throws Exception {
        EmulatorLimits limits =
                EmulatorLimits.builder().upsertCommitInterval(UpsertJob.COMMIT_INTERVAL).build();
        try (EventTable emulator = EventTable.start(limits)) {
            emulator.createUpsert(table, Changelog.KEY_COLUMN, UpsertJob.BUCKETS);
            CpuAccount cpu = CpuAccount.start();
            UpsertJob.Ran ran = UpsertJob.run(emulator.connection(), table, changelog, cpu);
            long nanos = ran.nanos();
            long jobCpuNanos = cpu.processNanos() - cpu.emulatorNanos();
            long allocated = cpu.allocatedBytesOutsideEmulator();
            long sent = WriterCounters.sum(WriterCounters.SENT);
            long compacted = WriterCounters.sum(WriterCounters.COMPACTED);
            long skipped = WriterCounters.sum(WriterCounters.SKIPPED);
            int writers = WriterCounters.count(WriterCounters.SENT);
            if (writers != UpsertJob.PARALLELISM) {
                throw new IllegalStateException(
                        "Expected the numRecordsSend counters of "
                                + UpsertJob.PARALLELISM
                                + " writers, found "
                                + writers);
            }
            if (skipped != 0 || sent + compacted != changelog.changes()) {
                throw new IllegalStateException(
                        String.format(
                                Locale.ROOT,
                                "The writers sent %,d records and compacted %,d changes (skipped"
                                        + " %,d) of %,d changes: they do not add up",
                                sent,
                                compacted,
                                skipped,
                                changelog.changes()));
            }
            int rows = verifyFinalState(changelog, emulator.committedRows(table), table);
            return new Measured(
                    nanos,
                    jobCpuNanos,
                    allocated,
                    ran.steady(),
                    sent,
                    compacted,
                    emulator.upsertFlushes(table),
                    emulator.upsertCommits(table),
                    rows);
        }
    }

    /**
     * Fails unless the committed rows are exactly the changelog applied once: the same keys, and
     * every column of every key's row equal to the row of the key's last change.
     *
     * @return the rows checked
     */
    static int verifyFinalState(Changelog changelog, List<Object[]> committed, String table) {
        Map<Long, Long> expected = changelog.applied();
        EventRows rows = EventRows.generate(Changelog.POOL, 1, 1);
        int columns = EventRows.COLUMNS.size();
        List<String> problems = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (Object[] row : committed) {
            Object key = row[0];
            if (!(key instanceof Long k) || !seen.add(k)) {
                problems.add("key " + key + " is in the table twice or is not a BIGINT");
                continue;
            }
            Long change = expected.get(k);
            if (change == null) {
                problems.add("key " + k + " is in the table, but its last change deletes it");
                continue;
            }
            Object[] want = changelog.rowOf(rows, change);
            for (int c = 0; c < columns; c++) {
                if (!same(want[c], row[c])) {
                    problems.add(
                            String.format(
                                    Locale.ROOT,
                                    "key %d column %s: %s, expected %s (change %d)",
                                    k,
                                    EventRows.COLUMNS.get(c).name(),
                                    text(row[c]),
                                    text(want[c]),
                                    change));
                    break;
                }
            }
        }
        for (Long k : expected.keySet()) {
            if (!seen.contains(k)) {
                problems.add("key " + k + " is missing (its last change " + expected.get(k) + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "The final state of "
                            + table
                            + " differs from the changelog applied once in "
                            + problems.size()
                            + " keys, e.g. "
                            + problems.subList(0, Math.min(5, problems.size())));
        }
        return committed.size();
    }

    private static boolean same(Object expected, Object actual) {
        Object a =
                actual instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : actual;
        if (expected instanceof BigDecimal e && a instanceof BigDecimal d) {
            return e.compareTo(d) == 0;
        }
        return Objects.equals(expected, a);
    }

    private static String text(Object v) {
        return v instanceof byte[] bytes
                ? "'" + new String(bytes, StandardCharsets.UTF_8) + "'"
                : v == null ? "NULL" : v + " (" + v.getClass().getSimpleName() + ")";
    }

    /**
     * @param jobCpuNanos CPU the process spent outside the emulator's request handling
     */
    private record Measured(
            long nanos,
            long jobCpuNanos,
            long allocatedBytes,
            SteadyWindow steady,
            long sent,
            long compacted,
            long flushes,
            long commits,
            int rowsChecked) {

        double rowsPerJobCpuSecond(long rows) {
            return rows / (jobCpuNanos / 1e9);
        }

        double allocatedBytesPerRow(long rows) {
            return allocatedBytes < 0 ? Double.NaN : (double) allocatedBytes / rows;
        }
    }
}
