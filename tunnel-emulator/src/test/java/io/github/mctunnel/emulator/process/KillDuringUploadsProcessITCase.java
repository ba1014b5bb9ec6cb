package io.github.mctunnel.emulator.process;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.RetryPolicy;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.CommitOutcome;
import io.github.mctunnel.client.session.DownloadReader;
import io.github.mctunnel.client.session.DownloadSession;
import io.github.mctunnel.client.session.UploadSession;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills the emulator process with SIGKILL while several clients upload (sessions with written but
 * uncommitted blocks, and commits racing the kill), restarts it on the same data directory, and
 * checks: every acknowledged commit is there exactly, nothing uncommitted is visible, a commit
 * whose answer was lost is all or nothing, and the table takes new uploads.
 */
class KillDuringUploadsProcessITCase {

    private static final String ACCESS_ID = "durability-id";
    private static final String ACCESS_KEY = "durability-secret-0123456789";
    private static final long ROWS_PER_SESSION_BASE = 1_000_000L;

    @TempDir Path dir;

    /** Sessions by number; each owns ids {@code [n * 1e6, n * 1e6 + rows)}. */
    private final Map<Integer, Integer> acknowledged = new ConcurrentHashMap<>();

    private final Map<Integer, Integer> inDoubt = new ConcurrentHashMap<>();
    private final Set<Integer> neverCommitted = ConcurrentHashMap.newKeySet();

    /** Names of the threads whose upload the kill cut. */
    private final Set<String> cutByKill = ConcurrentHashMap.newKeySet();

    private List<String> args(Path dataDir) throws IOException {
        Path ddl = dir.resolve("ddl.sql");
        Files.writeString(ddl, "CREATE TABLE IF NOT EXISTS t (id BIGINT, name STRING);");
        return List.of(
                "--port",
                "0",
                "--project",
                "p",
                "--access-id",
                ACCESS_ID,
                "--access-key-secret",
                ACCESS_KEY,
                "--data-dir",
                dataDir.toString(),
                "--sql",
                ddl.toString());
    }

    private static TunnelClient client(EmulatorProcess emu) {
        return TunnelClient.builder()
                .odpsEndpoint(emu.odpsEndpoint())
                .project("p")
                .credentialsProvider(StaticCredentialsProvider.of(ACCESS_ID, ACCESS_KEY))
                // A request cut by the kill fails at once; the test decides what it means.
                .retryPolicy(RetryPolicy.none())
                .build();
    }

    private static void writeBlock(UploadSession s, int session, long block, int rows)
            throws TunnelException {
        long first = session * ROWS_PER_SESSION_BASE + block * rows;
        s.writeRecords(
                block,
                Compression.RAW,
                (RecordStreamWriter w) -> {
                    Object[] row = new Object[2];
                    for (int i = 0; i < rows; i++) {
                        row[0] = first + i;
                        row[1] = "s" + session + "-" + (first + i);
                        w.write(row);
                    }
                });
    }

    /** Creates a session, writes {@code blocks} blocks of {@code rows}, commits; returns rows. */
    private int commitSession(TunnelClient c, TableIdentifier t, int session, int blocks, int rows)
            throws TunnelException {
        UploadSession s = c.createUploadSession(t, PartitionSpec.empty(), false);
        List<Long> ids = new ArrayList<>();
        for (long b = 0; b < blocks; b++) {
            writeBlock(s, session, b, rows);
            ids.add(b);
        }
        int total = blocks * rows;
        inDoubt.put(session, total);
        CommitOutcome outcome = s.commit(ids);
        assertThat(outcome).isEqualTo(CommitOutcome.COMMITTED);
        inDoubt.remove(session);
        acknowledged.put(session, total);
        return total;
    }

    @Test
    void committedRowsSurviveAKillDuringUploadsAndNothingUncommittedAppears() throws Exception {
        Path dataDir = dir.resolve("data");
        TableIdentifier t = TableIdentifier.of("p", "t");
        EmulatorProcess first = EmulatorProcess.start(args(dataDir));
        List<Thread> threads = new ArrayList<>();
        List<Throwable> unexpected = new ArrayList<>();
        AtomicBoolean killed = new AtomicBoolean();
        try (TunnelClient c = client(first)) {
            // Committed well before the kill.
            for (int session = 1; session <= 3; session++) {
                commitSession(c, t, session, 2, 1000);
            }

            // Writers: open sessions that keep writing blocks and never commit.
            AtomicInteger writerBlocks = new AtomicInteger();
            int writers = 4;
            for (int k = 0; k < writers; k++) {
                int session = 100 + k;
                neverCommitted.add(session);
                threads.add(
                        thread(
                                "writer-" + k,
                                killed,
                                unexpected,
                                () -> {
                                    UploadSession s =
                                            c.createUploadSession(t, PartitionSpec.empty(), false);
                                    for (long b = 0; b < 40; b++) {
                                        writeBlock(s, session, b, 2000);
                                        writerBlocks.incrementAndGet();
                                    }
                                }));
            }
            threads.forEach(Thread::start);
            waitFor(() -> writerBlocks.get() >= 3 * writers, "writers to write blocks");

            // Committers: session after session, commits racing the kill.
            int committers = 2;
            AtomicInteger committed = new AtomicInteger();
            for (int k = 0; k < committers; k++) {
                int base = 1000 * (k + 1);
                Thread th =
                        thread(
                                "committer-" + k,
                                killed,
                                unexpected,
                                () -> {
                                    for (int i = 0; i < 30; i++) {
                                        commitSession(c, t, base + i, 1, 700);
                                        committed.incrementAndGet();
                                    }
                                });
                threads.add(th);
                th.start();
            }
            waitFor(() -> committed.get() >= 4, "commits while the writers write");

            killed.set(true);
            assertThat(first.kill())
                    .as("SIGKILL exit status")
                    .isEqualTo(EmulatorProcess.SIGKILL_EXIT);
            for (Thread th : threads) {
                th.join(60_000);
                assertThat(th.isAlive()).as(th.getName() + " ended").isFalse();
            }
        } finally {
            first.close();
        }
        assertThat(unexpected).isEmpty();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(7);
        // The kill interrupted both committers mid-loop (their 30 sessions were not done).
        assertThat(cutByKill).contains("committer-0", "committer-1");

        try (EmulatorProcess second = EmulatorProcess.start(args(dataDir));
                TunnelClient c = client(second)) {
            Map<Integer, List<Long>> bySession = readBySession(c, t);
            for (Map.Entry<Integer, Integer> e : acknowledged.entrySet()) {
                assertThat(bySession.get(e.getKey()))
                        .as("acknowledged session " + e.getKey())
                        .isEqualTo(expectedIds(e.getKey(), e.getValue()));
            }
            for (Map.Entry<Integer, List<Long>> e : bySession.entrySet()) {
                int session = e.getKey();
                assertThat(neverCommitted)
                        .as("rows of uncommitted sessions")
                        .doesNotContain(session);
                if (!acknowledged.containsKey(session)) {
                    // A commit cut by the kill: all of its rows or none.
                    assertThat(inDoubt).as("rows of session " + session).containsKey(session);
                    assertThat(e.getValue()).isEqualTo(expectedIds(session, inDoubt.get(session)));
                }
            }

            // The table takes new uploads after the restart.
            int before = bySession.values().stream().mapToInt(List::size).sum();
            commitSession(c, t, 9, 2, 300);
            Map<Integer, List<Long>> after = readBySession(c, t);
            assertThat(after.get(9)).isEqualTo(expectedIds(9, 600));
            assertThat(after.values().stream().mapToInt(List::size).sum()).isEqualTo(before + 600);
        }
    }

    /** Every row of the table, ids grouped by session number (in download order). */
    private static Map<Integer, List<Long>> readBySession(TunnelClient c, TableIdentifier t)
            throws Exception {
        DownloadSession d = c.createDownloadSession(t, PartitionSpec.empty());
        Map<Integer, List<Long>> out = new TreeMap<>();
        try (DownloadReader r =
                d.openReader(0, d.recordCount(), null, Compression.RAW, false, 100_000)) {
            Object[] row;
            while ((row = r.read()) != null) {
                long id = (Long) row[0];
                int session = (int) (id / ROWS_PER_SESSION_BASE);
                assertThat(row[1]).isEqualTo("s" + session + "-" + id);
                out.computeIfAbsent(session, k -> new ArrayList<>()).add(id);
            }
        }
        for (List<Long> ids : out.values()) {
            ids.sort(null);
        }
        return out;
    }

    private static List<Long> expectedIds(int session, int rows) {
        List<Long> ids = new ArrayList<>(rows);
        for (long i = 0; i < rows; i++) {
            ids.add(session * ROWS_PER_SESSION_BASE + i);
        }
        return ids;
    }

    private interface Work {
        void run() throws Exception;
    }

    /** Runs work; failures after the kill are expected, any before it is recorded. */
    private Thread thread(
            String name, AtomicBoolean killed, List<Throwable> unexpected, Work work) {
        return new Thread(
                () -> {
                    try {
                        work.run();
                    } catch (Throwable e) {
                        if (killed.get()) {
                            cutByKill.add(Thread.currentThread().getName());
                        } else {
                            synchronized (unexpected) {
                                unexpected.add(e);
                            }
                        }
                    }
                },
                name);
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(2_000_000L);
        }
    }
}
