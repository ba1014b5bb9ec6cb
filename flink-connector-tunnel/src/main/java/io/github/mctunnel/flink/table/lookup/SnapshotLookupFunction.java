package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.flink.source.RowDataTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;

import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.LookupFunction;
import org.apache.flink.table.types.logical.RowType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Answers lookups from an in-memory snapshot of the table (or of the selected partitions), indexed
 * by the lookup keys. Used with {@code 'lookup.cache'} NONE and PARTIAL (where Flink's partial
 * cache sits in front).
 *
 * <p>The snapshot is loaded in {@link #open}. Its download sessions are paced: the parallel tasks
 * share {@code lookup.session-budget} sessions per 5 minutes equally ({@link LookupSessionPacer}),
 * and a load needing more waits. Its rows are bounded by {@code lookup.max-rows} and, as estimated
 * while they arrive, by {@code lookup.max-bytes}.
 *
 * <p>The first lookup after the snapshot is {@code lookup.reload-interval} old starts a reload
 * <b>on a separate thread</b>, as Flink's full cache reloads: lookups go on being answered from the
 * current snapshot while the new one is read, and see the new one once it is complete (never a
 * half-loaded one). Each load is tried again after a failure, {@code lookup.max-retries} times at
 * most (see {@link LoadAttempts}); a reload that fails even so fails the next lookup, and the job
 * fails over, as with Flink's full cache.
 */
public final class SnapshotLookupFunction extends LookupFunction {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotLookupFunction.class);

    /** How long {@link #close} waits for a running reload to stop after interrupting it. */
    private static final long CLOSE_TIMEOUT_MILLIS = 10_000;

    private final TableReadClientFactory clientFactory;
    private final String tableName;
    private final RowDataTunnelRecordDeserializer deserializer;
    private final LookupSettings settings;
    private final RowData.FieldGetter[] keyGetters;
    private final RowData.FieldGetter[] keyRowGetters;
    private final Clock clock;
    private final LoadRetryWait retryWait;

    /** The current snapshot; replaced as a whole by a reload. */
    private transient volatile Snapshot snapshot;

    /** Set by a reload that failed after its retries; thrown by the next lookup. */
    private transient volatile IOException reloadFailure;

    private transient ExecutorService reloader;

    /** Paces the download sessions of this task's loads (its share of the table's budget). */
    private transient LookupSessionPacer pacer;

    private transient volatile boolean closed;

    /** The running or last reload (task thread only). */
    private transient CompletableFuture<Void> reload;

    /** An index of rows by lookup key and when it was loaded. */
    private record Snapshot(Map<RowData, List<RowData>> index, long loadedAtMillis) {}

    /**
     * @param rowType the produced row
     * @param keyIndices positions of the lookup keys in the produced row, in the order of the key
     *     rows the planner passes
     */
    SnapshotLookupFunction(
            TableReadClientFactory clientFactory,
            String tableName,
            RowDataTunnelRecordDeserializer deserializer,
            LookupSettings settings,
            RowType rowType,
            int[] keyIndices,
            Clock clock,
            LoadRetryWait retryWait) {
        this.clientFactory = clientFactory;
        this.tableName = tableName;
        this.deserializer = deserializer;
        this.settings = settings;
        this.keyGetters = new RowData.FieldGetter[keyIndices.length];
        this.keyRowGetters = new RowData.FieldGetter[keyIndices.length];
        for (int i = 0; i < keyIndices.length; i++) {
            keyGetters[i] =
                    RowData.createFieldGetter(rowType.getTypeAt(keyIndices[i]), keyIndices[i]);
            keyRowGetters[i] = RowData.createFieldGetter(rowType.getTypeAt(keyIndices[i]), i);
        }
        this.clock = clock;
        this.retryWait = retryWait;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        ClassLoader userCode = Thread.currentThread().getContextClassLoader();
        reloader =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "maxcompute-lookup-reload " + tableName);
                            t.setDaemon(true);
                            t.setContextClassLoader(userCode);
                            return t;
                        });
        closed = false;
        reloadFailure = null;
        reload = null;
        pacer = new LookupSessionPacer(tableName, settings.sessionBudget(), parallelTasks(context));
        snapshot = load();
    }

    /** The parallel tasks of this lookup, which share the session budget; 1 when not known. */
    private static int parallelTasks(FunctionContext context) {
        if (context == null) {
            return 1;
        }
        try {
            return context.getTaskInfo().getNumberOfParallelSubtasks();
        } catch (RuntimeException e) {
            return 1; // no task context here
        }
    }

    /** Reads a snapshot, trying again after failures (see {@link LoadAttempts}). */
    private Snapshot load() throws IOException {
        LoadAttempts attempts =
                new LoadAttempts(
                        tableName,
                        settings.maxRetries(),
                        retryWait,
                        () -> ThreadLocalRandom.current().nextDouble());
        while (true) {
            try {
                return read(attempts);
            } catch (IOException e) {
                // a session invalidated by a modification of the table is read again from the
                // start; other failures were resumed in the reader until its retries ran out
                attempts.retryAfter(e);
            }
        }
    }

    private Snapshot read(LoadAttempts attempts) throws IOException {
        Map<RowData, List<RowData>> fresh = new HashMap<>();
        try (TableSnapshotReader reader =
                new TableSnapshotReader(
                        clientFactory,
                        tableName,
                        deserializer,
                        settings,
                        attempts,
                        () -> pacer.acquire(clock::millis, retryWait))) {
            for (RowData row = reader.next(); row != null; row = reader.next()) {
                fresh.computeIfAbsent(key(row, keyGetters), k -> new ArrayList<>(1)).add(row);
            }
        }
        return new Snapshot(fresh, clock.millis());
    }

    /** The key of a table row, a GenericRowData so it equals the key rows of lookups. */
    private static RowData key(RowData row, RowData.FieldGetter[] getters) {
        GenericRowData key = new GenericRowData(getters.length);
        for (int i = 0; i < getters.length; i++) {
            key.setField(i, getters[i].getFieldOrNull(row));
        }
        return key;
    }

    @Override
    public Collection<RowData> lookup(RowData keyRow) throws IOException {
        IOException failure = reloadFailure;
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
        Snapshot current = snapshot;
        if (clock.millis() - current.loadedAtMillis() >= settings.reloadInterval().toMillis()
                && (reload == null || reload.isDone())) {
            reload = CompletableFuture.runAsync(this::reloadInBackground, reloader);
        }
        List<RowData> rows = current.index().get(key(keyRow, keyRowGetters));
        return rows == null ? List.of() : rows;
    }

    private void reloadInBackground() {
        try {
            long start = System.nanoTime();
            Snapshot fresh = load();
            snapshot = fresh;
            LOG.info(
                    "Reloaded lookup table {}: {} keys in {} ms",
                    tableName,
                    fresh.index().size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } catch (IOException e) {
            if (!closed) {
                reloadFailure = e;
            }
        } catch (RuntimeException e) {
            if (!closed) {
                reloadFailure =
                        new IOException("Reloading lookup table " + tableName + " failed", e);
            }
        }
    }

    /** This task's share of the session budget, for tests. */
    @VisibleForTesting
    LookupSessionPacer pacer() {
        return pacer;
    }

    /** The running or last reload, or null before the first one, for tests. */
    @VisibleForTesting
    CompletableFuture<Void> reload() {
        return reload;
    }

    int indexedKeys() {
        Snapshot current = snapshot;
        return current == null ? 0 : current.index().size();
    }

    @Override
    public void close() throws Exception {
        closed = true;
        if (reloader != null) {
            reloader.shutdownNow(); // interrupts a running reload
            if (!reloader.awaitTermination(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warn(
                        "The reload of lookup table {} did not stop within {} ms of being"
                                + " interrupted; its thread is left to end on its own",
                        tableName,
                        CLOSE_TIMEOUT_MILLIS);
            }
            reloader = null;
        }
        snapshot = null;
    }
}
