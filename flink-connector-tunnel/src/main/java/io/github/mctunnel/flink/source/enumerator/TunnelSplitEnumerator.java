package io.github.mctunnel.flink.source.enumerator;

import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.source.split.SplitInvalidatedAck;
import io.github.mctunnel.flink.source.split.SplitInvalidatedEvent;
import io.github.mctunnel.flink.source.split.TunnelSplit;
import io.github.mctunnel.flink.source.table.DownloadSessionInfo;
import io.github.mctunnel.flink.source.table.ReadMetrics;
import io.github.mctunnel.flink.source.table.TableReadClient;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.FlinkRuntimeException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Discovers the partitions to read, creates one download session per partition when readers need
 * splits (paced by {@link SessionCreationPacer}, so a scan of many partitions stays within the
 * service's budget by waiting, never by failing), and cuts each session's rows into ranges of
 * {@code splitRows}. Readers pull splits one at a time, so a slow reader holds back no one.
 *
 * <p>Bounded: one discovery, then each reader is told there are no more splits once everything is
 * assigned. Continuous: discovery repeats at an interval and each new partition is read once, as
 * soon as it has rows: partitions are usually added before their data is committed, so a partition
 * found empty is offered again by the next discovery (each look costs a download session, paced
 * within the session budget). Rows committed to a partition after it was read are not read.
 * Partitions are read in {@link PartitionOrder}.
 *
 * <p>Policy RECREATE: a reader hands an invalidated split back with its next row; the enumerator
 * continues it from there on a replacement session. A task failure restores readers to their last
 * checkpoint but does not roll this enumerator back (Flink calls {@code addSplitsBack} with what
 * was assigned since, nothing more), so a restored reader may report the same split again from an
 * earlier row: the rows between the two reports are handed out again, on the same replacement.
 */
@Internal
public final class TunnelSplitEnumerator
        implements SplitEnumerator<TunnelSplit, TunnelEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelSplitEnumerator.class);

    /** How often paced session creations are retried. */
    static final long TICK_MILLIS = 200;

    private final SplitEnumeratorContext<TunnelSplit> context;
    private final TableReadClientFactory clientFactory;
    private final String tableName;
    private final PartitionSelection selection;
    private final long splitRows;
    private final boolean bounded;
    private final long discoveryIntervalMillis;
    private final boolean recreateInvalidSessions;
    private final SessionCreationPacer pacer;
    private final LongSupplier clock;

    /** A pushed-down limit on the rows of the whole scan; Long.MAX_VALUE when none. */
    private final long rowLimit;

    /** Rows of the splits handed to readers and not handed back (counted toward the limit). */
    private long rowsAssigned;

    private final Set<String> discovered = new LinkedHashSet<>();
    private final Deque<String> awaitingSession = new ArrayDeque<>();
    private final Deque<TunnelSplit> pending = new ArrayDeque<>();
    private final List<TunnelSplit> awaitingReplacement = new ArrayList<>();
    private final Map<String, ReplacedSession> replaced = new HashMap<>();

    /**
     * Invalidated splits taken back, by split id: the lowest next row reported for each, i.e. the
     * row from which its rest was handed out again. A report of the same split from a lower row
     * (its reader restored an earlier checkpoint after a regional failover, which does not roll
     * back this enumerator) hands out the rows between the two; a report from that row or later
     * changes nothing.
     */
    private final Map<String, Long> handledInvalidations = new LinkedHashMap<>();

    private boolean initialDiscoveryDone;

    private final Set<Integer> waitingReaders = new LinkedHashSet<>();
    private boolean creationInFlight;
    private TableReadClient client;
    private volatile TableSchema schema;
    private Counter sessionsCreated;
    private Counter retries;

    public TunnelSplitEnumerator(
            SplitEnumeratorContext<TunnelSplit> context,
            TableReadClientFactory clientFactory,
            String tableName,
            PartitionSelection selection,
            long splitRows,
            boolean bounded,
            long discoveryIntervalMillis,
            boolean recreateInvalidSessions,
            SessionCreationPacer pacer,
            LongSupplier clock,
            TunnelEnumeratorState state) {
        this(
                context,
                clientFactory,
                tableName,
                selection,
                splitRows,
                bounded,
                discoveryIntervalMillis,
                recreateInvalidSessions,
                pacer,
                clock,
                state,
                Long.MAX_VALUE);
    }

    /**
     * @param rowLimit at most this many rows are handed out in splits (a pushed-down LIMIT): once
     *     they are, no more sessions are created and readers are told there are no more splits
     */
    public TunnelSplitEnumerator(
            SplitEnumeratorContext<TunnelSplit> context,
            TableReadClientFactory clientFactory,
            String tableName,
            PartitionSelection selection,
            long splitRows,
            boolean bounded,
            long discoveryIntervalMillis,
            boolean recreateInvalidSessions,
            SessionCreationPacer pacer,
            LongSupplier clock,
            TunnelEnumeratorState state,
            long rowLimit) {
        this.rowLimit = rowLimit;
        this.context = context;
        this.clientFactory = clientFactory;
        this.tableName = tableName;
        this.selection = selection;
        this.splitRows = splitRows;
        this.bounded = bounded;
        this.discoveryIntervalMillis = discoveryIntervalMillis;
        this.recreateInvalidSessions = recreateInvalidSessions;
        this.pacer = pacer;
        this.clock = clock;
        discovered.addAll(state.discoveredPartitions());
        awaitingSession.addAll(state.awaitingSession());
        pending.addAll(state.pendingSplits());
        awaitingReplacement.addAll(state.awaitingReplacement());
        for (ReplacedSession r : state.replacedSessions()) {
            replaced.put(r.oldSessionId(), r);
        }
        for (String id : state.handledInvalidations()) {
            // handled before the checkpoint, so acknowledged before any reader's state of it
            handledInvalidations.put(id, Long.MIN_VALUE);
        }
        pacer.restore(state.sessionCreationTimes());
        initialDiscoveryDone = state.initialDiscoveryDone();
    }

    @Override
    public void start() {
        sessionsCreated = context.metricGroup().counter("sessionsCreated");
        retries = context.metricGroup().counter("retries");
        context.metricGroup().setUnassignedSplitsGauge(() -> (long) pending.size());
        context.metricGroup().gauge("pendingSplits", () -> pending.size());
        try {
            client =
                    clientFactory.connect(
                            new ReadMetrics() {
                                @Override
                                public void bytesRead(long bytes) {}

                                @Override
                                public void retried() {
                                    retries.inc();
                                }
                            });
        } catch (IOException e) {
            throw new FlinkRuntimeException(
                    "Cannot connect to MaxCompute to read table " + tableName, e);
        }
        if (bounded) {
            if (!initialDiscoveryDone) {
                context.callAsync(this::discover, this::onDiscovered);
            }
        } else {
            context.callAsync(this::discover, this::onDiscovered, 0, discoveryIntervalMillis);
        }
        context.callAsync(() -> null, (v, t) -> assignAndCreate(), TICK_MILLIS, TICK_MILLIS);
    }

    /** Worker thread: the selected partitions in reading order ([empty] when not partitioned). */
    private List<PartitionSpec> discover() throws IOException {
        TableSchema s = schema;
        if (s == null) {
            s = client.tableSchema();
            schema = s;
        }
        List<PartitionSpec> explicit = selection.explicitPartitions();
        if (!s.isPartitioned()) {
            if (explicit != null && !explicit.isEmpty()) {
                throw new IllegalArgumentException(
                        "Table " + tableName + " is not partitioned, but partitions were selected");
            }
            return List.of(PartitionSpec.empty());
        }
        if (explicit != null) {
            for (PartitionSpec p : explicit) {
                p.validateAgainst(s, tableName);
            }
            return selection.select(explicit);
        }
        return selection.select(client.listPartitions());
    }

    private void onDiscovered(List<PartitionSpec> partitions, Throwable error) {
        if (error != null) {
            throw new FlinkRuntimeException(
                    "Failed to discover the partitions of table " + tableName, error);
        }
        int added = 0;
        for (PartitionSpec p : partitions) {
            if (discovered.add(p.toString())) {
                awaitingSession.addLast(p.toString());
                added++;
            }
        }
        if (added > 0) {
            LOG.info("Table {}: {} new partition(s) to read", tableName, added);
        }
        initialDiscoveryDone = true;
        assignAndCreate();
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        waitingReaders.add(subtaskId);
        assignAndCreate();
    }

    @Override
    public void addSplitsBack(List<TunnelSplit> splits, int subtaskId) {
        for (int i = splits.size() - 1; i >= 0; i--) {
            pending.addFirst(splits.get(i));
            unassign(splits.get(i));
        }
        assignAndCreate();
    }

    @Override
    public void addReader(int subtaskId) {
        // readers ask for splits themselves
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent event) {
        if (!(event instanceof SplitInvalidatedEvent invalidated)) {
            return;
        }
        TunnelSplit split = invalidated.split();
        context.sendEventToSourceReader(subtaskId, new SplitInvalidatedAck(split.splitId()));
        if (!recreateInvalidSessions || split.isFinished()) {
            return;
        }
        TunnelSplit rest = restToHandOut(split);
        if (rest == null) {
            return;
        }
        unassign(rest); // handed out again
        ReplacedSession r = replaced.get(split.sessionId());
        if (r != null) {
            addRepointed(rest, r);
        } else {
            awaitingReplacement.add(rest);
        }
        assignAndCreate();
    }

    /**
     * The rows of an invalidated split not handed out again yet, or null when there are none: the
     * whole rest on the first report; on a repeated report from a lower row (the reader restored a
     * checkpoint taken before its first report), the rows between the two reports.
     */
    @Nullable
    private TunnelSplit restToHandOut(TunnelSplit split) {
        Long from = handledInvalidations.get(split.splitId());
        if (from != null && split.nextRow() >= from) {
            return null; // a duplicate: rows from there on were handed out already
        }
        handledInvalidations.put(split.splitId(), split.nextRow());
        if (from == null) {
            return split;
        }
        LOG.info(
                "Table {}: {} was reported invalid again from an earlier row (its reader restored"
                        + " an earlier checkpoint); rows [{}, {}) are read again on the new"
                        + " session",
                tableName,
                split.describe(),
                split.nextRow(),
                from);
        return new TunnelSplit(
                split.partition(),
                split.sessionId(),
                split.sessionRowCount(),
                split.nextRow(),
                from,
                split.nextRow());
    }

    /** Rows of a split handed back no longer count toward the limit. */
    private void unassign(TunnelSplit split) {
        if (rowLimit != Long.MAX_VALUE) {
            rowsAssigned = Math.max(0, rowsAssigned - (split.end() - split.nextRow()));
        }
    }

    private boolean limitReached() {
        return rowLimit != Long.MAX_VALUE && rowsAssigned >= rowLimit;
    }

    /**
     * The next pending split, cut to the rows the limit still needs, counted as assigned; null when
     * none is pending or the limit is reached.
     */
    private TunnelSplit nextSplit() {
        if (limitReached() || pending.isEmpty()) {
            return null;
        }
        TunnelSplit s = pending.pollFirst();
        if (rowLimit == Long.MAX_VALUE) {
            return s;
        }
        long rows = Math.min(s.end() - s.nextRow(), rowLimit - rowsAssigned);
        rowsAssigned += rows;
        return rows == s.end() - s.nextRow()
                ? s
                : new TunnelSplit(
                        s.partition(),
                        s.sessionId(),
                        s.sessionRowCount(),
                        s.start(),
                        s.nextRow() + rows,
                        s.nextRow());
    }

    /** Assigns pending splits to waiting readers, then starts a session creation if needed. */
    private void assignAndCreate() {
        Iterator<Integer> it = waitingReaders.iterator();
        while (it.hasNext() && !pending.isEmpty() && !limitReached()) {
            int reader = it.next();
            it.remove();
            if (context.registeredReaders().containsKey(reader)) {
                context.assignSplit(nextSplit(), reader);
            }
        }
        if (limitReached()) {
            // The splits handed out hold every row the scan needs: no more sessions.
            for (int reader : waitingReaders) {
                context.signalNoMoreSplits(reader);
            }
            waitingReaders.clear();
            return;
        }
        if (waitingReaders.isEmpty() || creationInFlight) {
            return;
        }
        if (!awaitingReplacement.isEmpty() || !awaitingSession.isEmpty()) {
            long now = clock.getAsLong();
            long delay = pacer.delayMillis(now);
            if (delay > 0) {
                LOG.debug("Table {}: next download session in {} ms (paced)", tableName, delay);
                return;
            }
            pacer.record(now);
            creationInFlight = true;
            if (!awaitingReplacement.isEmpty()) {
                TunnelSplit old = awaitingReplacement.get(0);
                PartitionSpec p = old.partitionSpec();
                context.callAsync(
                        () -> client.createSession(p),
                        (info, error) -> onReplacementCreated(old, info, error));
            } else {
                PartitionSpec p = PartitionSpec.parse(awaitingSession.peekFirst());
                context.callAsync(
                        () -> client.createSession(p),
                        (info, error) -> onSessionCreated(p, info, error));
            }
            return;
        }
        if (bounded && initialDiscoveryDone) {
            for (int reader : waitingReaders) {
                context.signalNoMoreSplits(reader);
            }
            waitingReaders.clear();
        }
    }

    private void onSessionCreated(PartitionSpec p, DownloadSessionInfo info, Throwable error) {
        creationInFlight = false;
        if (error != null) {
            if (!retryLater(p, error)) {
                awaitingSession.pollFirst();
            }
        } else {
            awaitingSession.pollFirst();
            sessionsCreated.inc();
            if (!bounded && !p.isEmpty() && info.recordCount() == 0) {
                // A partition is often added before its data is committed: in continuous mode an
                // empty partition is not done, discovery offers it again until it has rows.
                discovered.remove(p.toString());
                LOG.info(
                        "Table {} partition {} is empty; it is read once it has rows",
                        tableName,
                        p);
            } else {
                LOG.info(
                        "Table {}{}: download session {} with {} rows",
                        tableName,
                        p.isEmpty() ? "" : " partition " + p,
                        info.id(),
                        info.recordCount());
                cut(info, 0);
            }
        }
        assignAndCreate();
    }

    private void onReplacementCreated(TunnelSplit old, DownloadSessionInfo info, Throwable error) {
        creationInFlight = false;
        if (error != null) {
            if (!retryLater(old.partitionSpec(), error)) {
                awaitingReplacement.removeIf(s -> s.sessionId().equals(old.sessionId()));
            }
        } else {
            sessionsCreated.inc();
            ReplacedSession r = new ReplacedSession(old.sessionId(), info.id(), info.recordCount());
            replaced.put(old.sessionId(), r);
            LOG.warn(
                    "Table {}: download session {} was invalidated; continuing on new session {}"
                            + " ({} rows, {} before)",
                    tableName,
                    old.sessionId(),
                    info.id(),
                    info.recordCount(),
                    old.sessionRowCount());
            Iterator<TunnelSplit> it = awaitingReplacement.iterator();
            while (it.hasNext()) {
                TunnelSplit s = it.next();
                if (s.sessionId().equals(old.sessionId())) {
                    it.remove();
                    addRepointed(s, r);
                }
            }
            cut(info, old.sessionRowCount());
        }
        assignAndCreate();
    }

    /**
     * Whether a failed creation is tried again later: throttling and other retryable failures are
     * (pacing, never failing); a partition that no longer exists is skipped; anything else fails
     * the job.
     */
    private boolean retryLater(PartitionSpec p, Throwable error) {
        String where = tableName + (p.isEmpty() ? "" : " partition " + p);
        if (error instanceof TunnelException e) {
            if (e.isRetryable()) {
                LOG.warn("Creating a download session of {} failed, trying later: {}", where, e);
                return true;
            }
            if (e.hasErrorCode("NoSuchPartition")) {
                LOG.warn("Partition {} of table {} no longer exists; skipped", p, tableName);
                return false;
            }
        }
        throw new FlinkRuntimeException(
                "Cannot create a download session of " + where + ": " + error.getMessage(), error);
    }

    /**
     * The unread rest of {@code split} on the replacement session, clipped to its rows. It starts
     * at the split's next row, so the pieces of one split handed out again after repeated reports
     * ({@code [R1, R2)} and {@code [R2, end)}) have ids of their own.
     */
    private void addRepointed(TunnelSplit split, ReplacedSession r) {
        long end = Math.min(split.end(), r.newRowCount());
        long next = Math.min(split.nextRow(), end);
        if (next < end) {
            pending.addLast(
                    new TunnelSplit(
                            split.partition(), r.newSessionId(), r.newRowCount(), next, end, next));
        }
    }

    /** Adds splits for rows {@code [from, recordCount)} of a session. */
    private void cut(DownloadSessionInfo info, long from) {
        String partition = info.partition().toString();
        for (long start = from; start < info.recordCount(); start += splitRows) {
            long end = Math.min(info.recordCount(), start + splitRows);
            pending.addLast(
                    new TunnelSplit(partition, info.id(), info.recordCount(), start, end, start));
        }
    }

    @Override
    public TunnelEnumeratorState snapshotState(long checkpointId) {
        return new TunnelEnumeratorState(
                new ArrayList<>(discovered),
                new ArrayList<>(awaitingSession),
                new ArrayList<>(pending),
                awaitingReplacement,
                new ArrayList<>(replaced.values()),
                handledInvalidations.keySet(),
                pacer.recentStarts(),
                initialDiscoveryDone);
    }

    @Override
    public void close() throws IOException {
        if (client != null) {
            client.close();
        }
    }
}
