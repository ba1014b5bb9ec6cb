package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.flink.source.enumerator.SessionCreationPacer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Paces the download sessions the loads of one lookup table create in one task (or, with Flink's
 * full cache, in one TaskManager), with the source's {@link SessionCreationPacer}: the table's
 * {@code lookup.session-budget} per 5 minutes is shared equally by the parallel tasks, so a reload
 * of every task at once (they open together, so their reloads fall due together) creates at most
 * the budget per 5 minutes in all, however many partitions each reads. A creation beyond the share
 * waits. Thread-safe.
 */
final class LookupSessionPacer {

    private static final Logger LOG = LoggerFactory.getLogger(LookupSessionPacer.class);

    /** The service's window of download-session creations per table. */
    static final Duration WINDOW = Duration.ofMinutes(5);

    /**
     * Pacers of the full cache's loads, one per lookup table and TaskManager; one unused for two
     * windows is dropped (it holds no creation that still counts), so a TaskManager running job
     * after job for months keeps none of the finished ones.
     */
    private static final Map<String, LookupSessionPacer> SHARED = new ConcurrentHashMap<>();

    private final String tableName;
    private final SessionCreationPacer pacer;
    private final int sessions;
    private final Duration window;

    /** When a creation was last asked for (for dropping unused shared pacers). */
    private volatile long lastUsedMillis;

    /**
     * @param budget sessions all {@code tasks} may create per 5 minutes together
     * @param tasks the parallel tasks that share the budget
     */
    LookupSessionPacer(String tableName, int budget, int tasks) {
        this.tableName = tableName;
        int n = Math.max(1, tasks);
        if (n <= budget) {
            sessions = budget / n;
            window = WINDOW;
        } else {
            // fewer sessions than tasks: one per task in a longer window
            sessions = 1;
            window = WINDOW.multipliedBy((n + budget - 1) / budget);
        }
        this.pacer = new SessionCreationPacer(sessions, window);
    }

    /** The pacer shared by the loads of {@code key} in this TaskManager. */
    static LookupSessionPacer shared(String key, String tableName, int budget) {
        return shared(key, tableName, budget, System.currentTimeMillis());
    }

    static LookupSessionPacer shared(String key, String tableName, int budget, long nowMillis) {
        SHARED.values().removeIf(p -> nowMillis - p.lastUsedMillis > 2 * p.window.toMillis());
        LookupSessionPacer pacer =
                SHARED.computeIfAbsent(
                        key + "/" + budget, k -> new LookupSessionPacer(tableName, budget, 1));
        pacer.lastUsedMillis = nowMillis;
        return pacer;
    }

    /** How many shared pacers this TaskManager holds (for tests). */
    static int sharedCount() {
        return SHARED.size();
    }

    /**
     * Returns once a session may be created, recorded as created at that moment.
     *
     * @throws InterruptedIOException when interrupted while waiting (the task is closing)
     */
    void acquire(LongSupplier clock, LoadRetryWait wait) throws InterruptedIOException {
        while (true) {
            long now = clock.getAsLong();
            lastUsedMillis = Math.max(lastUsedMillis, now);
            long delay;
            synchronized (pacer) {
                delay = pacer.delayMillis(now);
                if (delay <= 0) {
                    pacer.record(now);
                    return;
                }
            }
            LOG.info(
                    "Lookup table {}: next download session in {} ms ({} per {} for this task,"
                            + " '{}')",
                    tableName,
                    delay,
                    sessions,
                    window,
                    MaxComputeLookupOptions.LOOKUP_SESSION_BUDGET.key());
            try {
                wait.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(
                        "Loading lookup table " + tableName + " was interrupted");
            }
        }
    }

    /** Sessions per window of this task's share (for tests). */
    int sessions() {
        return sessions;
    }

    /** The window of this task's share (for tests). */
    Duration window() {
        return window;
    }
}
