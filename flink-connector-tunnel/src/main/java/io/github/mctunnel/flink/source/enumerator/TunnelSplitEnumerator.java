package io.github.mctunnel.flink.source.enumerator;

import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.source.PartitionReadiness;
import io.github.mctunnel.flink.source.split.SplitInvalidatedAck;
import io.github.mctunnel.flink.source.split.SplitInvalidatedEvent;
import io.github.mctunnel.flink.source.split.TunnelSplit;
import io.github.mctunnel.flink.source.table.DownloadSessionInfo;
import io.github.mctunnel.flink.source.table.ReadMetrics;
import io.github.mctunnel.flink.source.table.TableReadClient;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.FlinkRuntimeException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
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
 * soon as it has rows. Partitions are usually added before their data is committed, so a partition
 * without rows waits: it is looked at again with a back-off (the discovery interval, doubling up to
 * {@link #MAX_EMPTY_BACKOFF}), first in the partition's metadata (no download session while the
 * service says it has no rows), then with a download session. Rows committed to a partition after
 * it was read are not read. Partitions are read in {@link PartitionOrder}.
 *
 * <p>State stays bounded over time: partitions read longer ago than {@link
 * #READ_PARTITION_RETENTION} fold into a read mark (a partition listed later that orders at or
 * before the mark is not read), waiting partitions at or before the mark are given up, replaced
 * sessions are forgotten once their replacement is older than a session lives, and invalidated
 * splits taken back are forgotten once a checkpoint taken after that completed.
 *
 * <p>Policy RECREATE: a reader hands an invalidated split back with its next row; the enumerator
 * continues it from there on a replacement session (unassigned splits of the same session move to
 * it at once, and rows the replacement has beyond what was handed out of the partition are cut into
 * new splits). A task failure restores readers to their last checkpoint but does not roll this
 * enumerator back (Flink calls {@code addSplitsBack} with what was assigned since, nothing more),
 * so a restored reader may report the same split again from an earlier row: the rows between the
 * two reports are handed out again, on the same replacement.
 */
@Internal
public final class TunnelSplitEnumerator
        implements SplitEnumerator<TunnelSplit, TunnelEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelSplitEnumerator.class);

    /** How often paced session creations are retried. */
    static final long TICK_MILLIS = 200;

    /** Read partitions are remembered one by one for this long, then fold into the read mark. */
    public static final Duration READ_PARTITION_RETENTION = Duration.ofDays(1);

    /** The longest wait between two looks at a partition without rows (or the interval). */
    public static final Duration MAX_EMPTY_BACKOFF = Duration.ofMinutes(5);

    /** A download session lives 24 hours at the service. */
    static final long SESSION_LIFETIME_MILLIS = Duration.ofHours(24).toMillis();

    /** Answer of a metadata look at a partition that no longer exists. */
    private static final long GONE = Long.MIN_VALUE;

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
    private final PartitionReadiness readiness;

    /** Partitions of the latest discovery (for done markers); not checkpointed. */
    private Set<String> lastListed = Set.of();

    /** A pushed-down limit on the rows of the whole scan; Long.MAX_VALUE when none. */
    private final long rowLimit;

    /** Rows of the splits handed to readers and not handed back (counted toward the limit). */
    private long rowsAssigned;

    @Nullable private String readMark;
    @Nullable private PartitionSpec readMarkSpec;
    private final Map<String, ReadPartition> read = new LinkedHashMap<>();
    private final Map<String, WaitingPartition> waiting = new LinkedHashMap<>();
    private final Set<String> awaitingSession = new LinkedHashSet<>();
    private final Deque<TunnelSplit> pending = new ArrayDeque<>();
    private final List<TunnelSplit> awaitingReplacement = new ArrayList<>();
    private final Map<String, ReplacedSession> replaced = new HashMap<>();

    /**
     * Invalidated splits taken back, by split id: the lowest next row reported for each (the row
     * from which its rest was handed out again) and the last checkpoint taken before. A report of
     * the same split from a lower row (its reader restored an earlier checkpoint after a task
     * failure, which does not roll back this enumerator) hands out the rows between the two; a
     * report from that row or later changes nothing. Forgotten once a later checkpoint completed:
     * readers restore no checkpoint holding the split then. Not checkpointed, for the same reason.
     */
    private final Map<String, Handled> handledInvalidations = new LinkedHashMap<>();

    private long lastSnapshotCheckpointId = -1;

    /** The first checkpoint this enumerator took a snapshot for; -1 before it took one. */
    private long firstSnapshotCheckpointId = -1;

    private boolean initialDiscoveryDone;

    private final Set<Integer> waitingReaders = new LinkedHashSet<>();
    private boolean creationInFlight;
    private boolean lookInFlight;
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
                rowLimit,
                PartitionReadiness.immediately());
    }

    /**
     * @param readiness when a partition of a continuous read is taken (a bounded read takes every
     *     partition as it stands)
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
            long rowLimit,
            PartitionReadiness readiness) {
        this.readiness = readiness;
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
        long now = clock.getAsLong();
        readMark = state.readMark();
        readMarkSpec = readMark == null ? null : PartitionSpec.parse(readMark);
        for (ReadPartition r : state.readPartitions()) {
            // unknown times (state version 1) count from the restore
            read.put(
                    r.partition(),
                    r.readAtMillis() < 0 ? new ReadPartition(r.partition(), now, r.rowsCut()) : r);
        }
        for (WaitingPartition w : state.waitingPartitions()) {
            waiting.put(w.partition(), w);
        }
        awaitingSession.addAll(state.awaitingSession());
        pending.addAll(state.pendingSplits());
        awaitingReplacement.addAll(state.awaitingReplacement());
        for (ReplacedSession r : state.replacedSessions()) {
            replaced.put(
                    r.oldSessionId(),
                    r.createdAtMillis() < 0
                            ? new ReplacedSession(
                                    r.oldSessionId(), r.newSessionId(), r.newRowCount(), now)
                            : r);
        }
        pacer.restore(state.sessionCreationTimes());
        initialDiscoveryDone = state.initialDiscoveryDone();
        rowsAssigned = state.rowsAssigned();
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
        long now = clock.getAsLong();
        Set<String> listed = new HashSet<>();
        int added = 0;
        for (PartitionSpec p : partitions) {
            String s = p.toString();
            listed.add(s);
            if (read.containsKey(s)
                    || waiting.containsKey(s)
                    || awaitingSession.contains(s)
                    || atOrBeforeMark(p)
                    || (!bounded && readiness.isDoneMarker(p))) {
                continue;
            }
            added++;
            if (bounded || p.isEmpty()) {
                awaitingSession.add(s);
            } else {
                waiting.put(s, WaitingPartition.discovered(s, now));
            }
        }
        lastListed = listed;
        if (added > 0) {
            LOG.info("Table {}: {} new partition(s) to read", tableName, added);
        }
        if (!bounded) {
            // a waiting partition no longer listed was dropped
            waiting.keySet().removeIf(p -> !listed.contains(p) && !awaitingSession.contains(p));
            forgetOld(now);
        }
        initialDiscoveryDone = true;
        lookAtWaiting(now);
        assignAndCreate();
    }

    private boolean atOrBeforeMark(PartitionSpec p) {
        return readMarkSpec != null && PartitionOrder.INSTANCE.compare(p, readMarkSpec) <= 0;
    }

    /**
     * Folds partitions read longer ago than the retention into the read mark, gives up waiting
     * partitions at or before it, and forgets replacements that could not be read any more.
     */
    private void forgetOld(long now) {
        replaced.values().removeIf(r -> r.createdAtMillis() <= now - SESSION_LIFETIME_MILLIS);
        long before = now - READ_PARTITION_RETENTION.toMillis();
        PartitionSpec mark = readMarkSpec;
        for (ReadPartition r : read.values()) {
            if (r.readAtMillis() <= before) {
                PartitionSpec p = PartitionSpec.parse(r.partition());
                if (mark == null || PartitionOrder.INSTANCE.compare(p, mark) > 0) {
                    mark = p;
                }
            }
        }
        if (mark == readMarkSpec) {
            return;
        }
        readMarkSpec = mark;
        readMark = mark.toString();
        read.keySet().removeIf(p -> atOrBeforeMark(PartitionSpec.parse(p)));
        Iterator<WaitingPartition> it = waiting.values().iterator();
        while (it.hasNext()) {
            WaitingPartition w = it.next();
            String p = w.partition();
            if (!awaitingSession.contains(p) && atOrBeforeMark(PartitionSpec.parse(p))) {
                it.remove();
                if (w.lastCount() > 0) {
                    // rows that will not be read: not ready (readiness rule) for a day
                    LOG.warn(
                            "Table {}: partition {} ({} rows when last looked at) was not ready"
                                    + " ({}) while partition {} was read more than {} ago; it is"
                                    + " not read",
                            tableName,
                            p,
                            w.lastCount(),
                            readiness,
                            readMark,
                            READ_PARTITION_RETENTION);
                } else {
                    LOG.info(
                            "Table {}: partition {} still has no rows while partition {} was read"
                                    + " more than {} ago; it is not read",
                            tableName,
                            p,
                            readMark,
                            READ_PARTITION_RETENTION);
                }
            }
        }
    }

    /**
     * Takes waiting partitions known to have rows once they are ready; looks at the other due ones
     * in their metadata (a worker thread asks).
     */
    private void lookAtWaiting(long now) {
        if (lookInFlight) {
            return;
        }
        List<String> due = new ArrayList<>();
        PartitionSpec newest = null;
        boolean newestKnown = false;
        for (WaitingPartition w : waiting.values()) {
            if (w.recheckAtMillis() > now || awaitingSession.contains(w.partition())) {
                continue;
            }
            if (w.lastCount() > 0 && readiness.kind() != PartitionReadiness.Kind.QUIET_PERIOD) {
                // known to have rows: whether it is ready needs no request
                if (!newestKnown) {
                    newest = newestIfNeeded();
                    newestKnown = true;
                }
                if (isReady(w, now, newest)) {
                    awaitingSession.add(w.partition());
                }
            } else {
                due.add(w.partition());
            }
        }
        if (due.isEmpty()) {
            return;
        }
        lookInFlight = true;
        context.callAsync(() -> recordCounts(due), this::onRecordCounts);
    }

    /** Worker thread: the row count in each partition's metadata, -1 unknown, GONE when gone. */
    private Map<String, Long> recordCounts(List<String> partitions) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String p : partitions) {
            long n;
            try {
                n = client.partitionRecordCount(PartitionSpec.parse(p));
            } catch (TunnelException e) {
                n = e.hasErrorCode("NoSuchPartition") ? GONE : -1;
            } catch (IOException | RuntimeException e) {
                n = -1; // a download session tells
            }
            counts.put(p, n);
        }
        return counts;
    }

    private void onRecordCounts(Map<String, Long> counts, Throwable error) {
        lookInFlight = false;
        if (error != null) {
            throw new FlinkRuntimeException(
                    "Failed to look at the partitions of table " + tableName, error);
        }
        long now = clock.getAsLong();
        Map<WaitingPartition, Long> looked = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            WaitingPartition w = waiting.get(e.getKey());
            if (w == null || awaitingSession.contains(e.getKey())) {
                continue;
            }
            long n = e.getValue();
            if (n == GONE) {
                waiting.remove(e.getKey());
                LOG.warn("Partition {} of table {} no longer exists; skipped", w, tableName);
                continue;
            }
            // metadata without a count keeps what a download session saw
            if (n != WaitingPartition.UNKNOWN || w.lastCount() == WaitingPartition.NOT_LOOKED) {
                w = w.seen(n, now);
                waiting.put(w.partition(), w);
            }
            looked.put(w, n);
        }
        // readiness may depend on what the same looks saw of newer partitions
        PartitionSpec newest = newestIfNeeded();
        for (Map.Entry<WaitingPartition, Long> e : looked.entrySet()) {
            WaitingPartition w = e.getKey();
            long n = e.getValue();
            if (n == 0) {
                waiting.put(w.partition(), backedOff(w, now)); // no session needed to know
            } else if (n == WaitingPartition.UNKNOWN
                    ? readiness.kind() == PartitionReadiness.Kind.QUIET_PERIOD
                            || w.lastCount() <= 0
                            || isReady(w, now, newest)
                    : isReady(w, now, newest)) {
                // ready, or only a download session can tell (it decides again)
                awaitingSession.add(w.partition());
            } else {
                waiting.put(w.partition(), w.next(now + lookIntervalMillis(), 0));
            }
        }
        assignAndCreate();
    }

    /** Whether a partition with rows is read now under the readiness rule. */
    private boolean isReady(WaitingPartition w, long now, @Nullable PartitionSpec newestWithRows) {
        return switch (readiness.kind()) {
            case IMMEDIATELY -> true;
            case NEWER_PARTITION_HAS_ROWS ->
                    newestWithRows != null
                            && PartitionOrder.INSTANCE.compare(
                                            newestWithRows, PartitionSpec.parse(w.partition()))
                                    > 0;
            case DONE_MARKER ->
                    lastListed.contains(readiness.doneMarkerOf(PartitionSpec.parse(w.partition())));
            case QUIET_PERIOD -> isQuiet(w, now);
        };
    }

    private boolean isQuiet(WaitingPartition w, long now) {
        return w.lastCount() > 0
                && now - w.countSinceMillis() >= readiness.quietPeriod().toMillis();
    }

    /**
     * The newest partition known to have rows: read ones, and waiting ones whose look saw rows or
     * whose metadata does not say (then being listed counts).
     */
    @Nullable
    private PartitionSpec newestWithRows() {
        PartitionSpec newest = null;
        for (String p : read.keySet()) {
            newest = newer(newest, p);
        }
        for (WaitingPartition w : waiting.values()) {
            if (w.lastCount() > 0 || w.lastCount() == WaitingPartition.UNKNOWN) {
                newest = newer(newest, w.partition());
            }
        }
        return newest;
    }

    @Nullable
    private PartitionSpec newestIfNeeded() {
        return readiness.kind() == PartitionReadiness.Kind.NEWER_PARTITION_HAS_ROWS
                ? newestWithRows()
                : null;
    }

    private static PartitionSpec newer(@Nullable PartitionSpec a, String b) {
        PartitionSpec pb = PartitionSpec.parse(b);
        return a == null || PartitionOrder.INSTANCE.compare(pb, a) > 0 ? pb : a;
    }

    /** How soon a partition with rows that is not ready yet is looked at again. */
    private long lookIntervalMillis() {
        return Math.max(1, discoveryIntervalMillis);
    }

    /** The next look at a partition found without rows: the back-off doubles up to the cap. */
    private WaitingPartition backedOff(WaitingPartition w, long now) {
        long cap = Math.max(discoveryIntervalMillis, MAX_EMPTY_BACKOFF.toMillis());
        long backoff =
                w.backoffMillis() <= 0
                        ? Math.max(1, discoveryIntervalMillis)
                        : Math.min(cap, w.backoffMillis() * 2);
        return w.next(now + backoff, backoff);
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
            TunnelSplit moved = repointed(rest, r);
            if (moved != null) {
                pending.addLast(moved);
            }
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
        Handled before = handledInvalidations.get(split.splitId());
        if (before != null && split.nextRow() >= before.fromRow()) {
            return null; // a duplicate: rows from there on were handed out already
        }
        handledInvalidations.put(
                split.splitId(), new Handled(split.nextRow(), lastSnapshotCheckpointId));
        if (before == null) {
            return split;
        }
        LOG.info(
                "Table {}: {} was reported invalid again from an earlier row (its reader restored"
                        + " an earlier checkpoint); rows [{}, {}) are read again on the new"
                        + " session",
                tableName,
                split.describe(),
                split.nextRow(),
                before.fromRow());
        return new TunnelSplit(
                split.partition(),
                split.sessionId(),
                split.sessionRowCount(),
                split.nextRow(),
                before.fromRow(),
                split.nextRow());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        // readers restore this checkpoint or a later one now: none holds a split taken back
        // before it was taken. Only a checkpoint this enumerator took a snapshot for tells: one
        // completed before (e.g. the one it was restored from, notified late) says nothing of
        // reports handled since
        if (firstSnapshotCheckpointId < 0 || checkpointId < firstSnapshotCheckpointId) {
            return;
        }
        handledInvalidations.values().removeIf(h -> h.afterCheckpoint() < checkpointId);
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
        if (!bounded && !waiting.isEmpty()) {
            lookAtWaiting(clock.getAsLong());
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
                String partition = awaitingSession.iterator().next();
                PartitionSpec p = PartitionSpec.parse(partition);
                context.callAsync(
                        () -> client.createSession(p),
                        (info, error) -> onSessionCreated(partition, info, error));
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

    private void onSessionCreated(String partition, DownloadSessionInfo info, Throwable error) {
        creationInFlight = false;
        PartitionSpec p = PartitionSpec.parse(partition);
        if (error != null) {
            if (!retryLater(p, error)) {
                awaitingSession.remove(partition);
                waiting.remove(partition);
            }
        } else {
            awaitingSession.remove(partition);
            sessionsCreated.inc();
            long now = clock.getAsLong();
            WaitingPartition w = waiting.get(partition);
            if (w != null) {
                w = w.seen(info.recordCount(), now);
            }
            if (!bounded && !p.isEmpty() && info.recordCount() == 0) {
                // A partition is often added before its data is committed: in continuous mode an
                // empty partition is not done, it is looked at again later.
                w = backedOff(w == null ? WaitingPartition.discovered(partition, now) : w, now);
                waiting.put(partition, w);
                LOG.info(
                        "Table {} partition {} is empty; looked at again in {} ms",
                        tableName,
                        p,
                        w.backoffMillis());
            } else if (!bounded && w != null && !isReady(w, now, newestIfNeeded())) {
                // not ready (e.g. its rows changed within the quiet period): not read from this
                // session, looked at again later
                waiting.put(partition, w.next(now + lookIntervalMillis(), 0));
                LOG.debug(
                        "Table {} partition {} has {} rows since {}; not ready ({})",
                        tableName,
                        p,
                        w.lastCount(),
                        w.countSinceMillis(),
                        readiness);
            } else {
                waiting.remove(partition);
                read.put(partition, new ReadPartition(partition, now, info.recordCount()));
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
            assignAndCreate();
            return;
        }
        sessionsCreated.inc();
        long now = clock.getAsLong();
        ReplacedSession r =
                new ReplacedSession(old.sessionId(), info.id(), info.recordCount(), now);
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
                TunnelSplit moved = repointed(s, r);
                if (moved != null) {
                    pending.addLast(moved);
                }
            }
        }
        // unassigned splits of the old session could not be read either: move them now
        int n = pending.size();
        for (int i = 0; i < n; i++) {
            TunnelSplit s = pending.pollFirst();
            TunnelSplit moved = s.sessionId().equals(old.sessionId()) ? repointed(s, r) : s;
            if (moved != null) {
                pending.addLast(moved);
            }
        }
        // rows the partition has beyond those handed out of it (appended since)
        ReadPartition rp = read.get(old.partition());
        if (rp == null) {
            LOG.info(
                    "Table {}: partition {} was read more than {} ago; rows appended to it since"
                            + " are not read",
                    tableName,
                    old.partition(),
                    READ_PARTITION_RETENTION);
        } else {
            long from = Math.max(rp.rowsCut(), old.sessionRowCount());
            if (info.recordCount() > from) {
                cut(info, from);
                read.put(
                        rp.partition(),
                        new ReadPartition(rp.partition(), rp.readAtMillis(), info.recordCount()));
            }
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
     * The unread rest of {@code split} on the replacement session, clipped to its rows; null when
     * nothing is left. It starts at the split's next row, so the pieces of one split handed out
     * again after repeated reports ({@code [R1, R2)} and {@code [R2, end)}) have ids of their own.
     */
    @Nullable
    private static TunnelSplit repointed(TunnelSplit split, ReplacedSession r) {
        long end = Math.min(split.end(), r.newRowCount());
        long next = Math.min(split.nextRow(), end);
        return next < end
                ? new TunnelSplit(
                        split.partition(), r.newSessionId(), r.newRowCount(), next, end, next)
                : null;
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
        lastSnapshotCheckpointId = checkpointId;
        if (firstSnapshotCheckpointId < 0) {
            firstSnapshotCheckpointId = checkpointId;
        }
        return new TunnelEnumeratorState(
                readMark,
                new ArrayList<>(read.values()),
                new ArrayList<>(waiting.values()),
                new ArrayList<>(awaitingSession),
                new ArrayList<>(pending),
                awaitingReplacement,
                new ArrayList<>(replaced.values()),
                pacer.recentStarts(),
                initialDiscoveryDone,
                rowsAssigned);
    }

    @Override
    public void close() throws IOException {
        if (client != null) {
            client.close();
        }
    }

    /** How many invalidated splits taken back are remembered (for tests of the bound). */
    @VisibleForTesting
    int handledInvalidationCount() {
        return handledInvalidations.size();
    }

    /** An invalidated split taken back: from which row, after which checkpoint. */
    private record Handled(long fromRow, long afterCheckpoint) {}
}
