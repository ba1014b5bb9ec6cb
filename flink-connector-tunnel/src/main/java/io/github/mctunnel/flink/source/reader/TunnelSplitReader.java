package io.github.mctunnel.flink.source.reader;

import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.source.SessionInvalidationPolicy;
import io.github.mctunnel.flink.source.TunnelRecordDeserializer;
import io.github.mctunnel.flink.source.split.TunnelSplit;
import io.github.mctunnel.flink.source.table.ReadMetrics;
import io.github.mctunnel.flink.source.table.RowRangeReader;
import io.github.mctunnel.flink.source.table.SessionInvalidatedException;
import io.github.mctunnel.flink.source.table.TableReadClient;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;

import org.apache.flink.annotation.Internal;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the splits of one reader, one after the other, in batches of at most {@code batchRows}
 * records. Each split's range is downloaded from its next unread row with the deserializer's column
 * projection; the client splits it into GETs that each end well within the service's 300 s reader
 * lifetime and resumes broken responses at the next row. Runs in the fetcher thread.
 *
 * <p>A split with no rows left (restored after its last row was emitted) finishes without a request
 * to the service, whatever the state of its session.
 *
 * <p>A session found invalid is remembered: later splits of it are handled per the policy without
 * another request to the service.
 *
 * <p>Splits can be paused and resumed (watermark alignment): a paused split is set aside where it
 * stands (its download is closed) and continues from there once resumed; while every split is
 * paused, a fetch waits up to {@value #PAUSED_WAIT_MILLIS} ms or until woken up.
 */
@Internal
public final class TunnelSplitReader<OUT> implements SplitReader<OUT, TunnelSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelSplitReader.class);

    /** Longest wait of a fetch while every split is paused (a wake-up ends it). */
    static final long PAUSED_WAIT_MILLIS = 100;

    private final TableReadClientFactory clientFactory;
    private final String tableName;
    private final TunnelRecordDeserializer<OUT> deserializer;
    private final SessionInvalidationPolicy policy;
    private final int batchRows;
    private final ReadMetrics metrics;
    private final Map<String, TunnelSplit> invalidatedSplits;

    /** Rows this reader may still emit (a pushed-down limit; Long.MAX_VALUE when none). */
    private long remaining;

    private final Deque<TunnelSplit> splits = new ArrayDeque<>();

    /** Ids of paused splits, and those of them set aside where they stood (fetcher thread). */
    private final Set<String> pausedIds = new HashSet<>();

    private final Map<String, TunnelSplit> setAside = new LinkedHashMap<>();
    private final Object wakeUpMonitor = new Object();
    private final Set<String> invalidSessions = new HashSet<>();
    private TableReadClient client;
    private List<String> columns;
    private TunnelSplit current;
    private PartitionSpec currentPartition;
    private RowRangeReader range;

    /** The next row of the current split to come from the range (for messages). */
    private long nextRow;

    private volatile boolean wakeUp;

    /**
     * @param invalidatedSplits receives splits whose session became invalid under policy RECREATE
     *     (shared with the source reader, which hands them back to the enumerator)
     */
    public TunnelSplitReader(
            TableReadClientFactory clientFactory,
            String tableName,
            TunnelRecordDeserializer<OUT> deserializer,
            SessionInvalidationPolicy policy,
            int batchRows,
            ReadMetrics metrics,
            Map<String, TunnelSplit> invalidatedSplits) {
        this(
                clientFactory,
                tableName,
                deserializer,
                policy,
                batchRows,
                metrics,
                invalidatedSplits,
                Long.MAX_VALUE);
    }

    /**
     * @param rowLimit at most this many rows are downloaded and emitted by this reader; splits
     *     assigned after it is reached finish without a request
     */
    public TunnelSplitReader(
            TableReadClientFactory clientFactory,
            String tableName,
            TunnelRecordDeserializer<OUT> deserializer,
            SessionInvalidationPolicy policy,
            int batchRows,
            ReadMetrics metrics,
            Map<String, TunnelSplit> invalidatedSplits,
            long rowLimit) {
        this.remaining = rowLimit;
        this.clientFactory = clientFactory;
        this.tableName = tableName;
        this.deserializer = deserializer;
        this.policy = policy;
        this.batchRows = batchRows;
        this.metrics = metrics;
        this.invalidatedSplits = invalidatedSplits;
    }

    @Override
    public RecordsWithSplitIds<OUT> fetch() throws IOException {
        RecordsBySplits.Builder<OUT> batch = new RecordsBySplits.Builder<>();
        if (current != null && pausedIds.contains(current.splitId())) {
            setAside.put(current.splitId(), range == null ? current : current.withNextRow(nextRow));
            closeRange();
            current = null;
        }
        if (current == null) {
            current = nextUnpaused();
            if (current == null) {
                if (!setAside.isEmpty()) {
                    awaitResume();
                }
                return batch.build();
            }
        }
        String splitId = current.splitId();
        if (range == null) {
            nextRow = current.nextRow();
        }
        if (remaining <= 0 || (range == null && current.isFinished())) {
            // No rows left (e.g. a split restored after its last row was emitted): finished
            // without a request, so an expired session does not matter.
            finishCurrent(batch);
            return batch.build();
        }
        if (range == null && invalidSessions.contains(current.sessionId())) {
            onInvalidated("the session was found invalid before", null, batch);
            return batch.build();
        }
        try {
            if (range == null) {
                open();
            }
            int n = 0;
            while (n < batchRows && !wakeUp) {
                RecordView row = range.next();
                if (row == null) {
                    finishCurrent(batch);
                    break;
                }
                batch.add(splitId, deserializer.deserialize(row, currentPartition));
                nextRow++;
                n++;
                if (--remaining <= 0) {
                    finishCurrent(batch);
                    break;
                }
            }
        } catch (SessionInvalidatedException e) {
            invalidSessions.add(current.sessionId());
            onInvalidated(e.getMessage(), e, batch);
        } catch (IOException e) {
            throw new IOException(
                    "Failed to read table "
                            + tableName
                            + " ("
                            + current.withNextRow(nextRow).describe()
                            + "): "
                            + e,
                    e);
        } finally {
            wakeUp = false;
        }
        return batch.build();
    }

    /** The next split that is not paused; paused ones met on the way are set aside. */
    private TunnelSplit nextUnpaused() {
        TunnelSplit s;
        while ((s = splits.pollFirst()) != null && pausedIds.contains(s.splitId())) {
            setAside.put(s.splitId(), s);
        }
        return s;
    }

    /** Every split is paused: waits a little, or until woken up (e.g. to resume one). */
    private void awaitResume() throws IOException {
        synchronized (wakeUpMonitor) {
            try {
                if (!wakeUp) {
                    wakeUpMonitor.wait(PAUSED_WAIT_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while all splits are paused");
            } finally {
                wakeUp = false;
            }
        }
    }

    @Override
    public void pauseOrResumeSplits(
            Collection<TunnelSplit> splitsToPause, Collection<TunnelSplit> splitsToResume) {
        for (TunnelSplit s : splitsToPause) {
            pausedIds.add(s.splitId());
        }
        for (TunnelSplit s : splitsToResume) {
            pausedIds.remove(s.splitId());
            TunnelSplit aside = setAside.remove(s.splitId());
            if (aside != null) {
                splits.addFirst(aside); // continues where it stood
            }
        }
    }

    private void open() throws IOException {
        if (client == null) {
            client = clientFactory.connect(metrics);
        }
        currentPartition = current.partitionSpec();
        if (columns == null) {
            columns =
                    deserializer.open(client.sessionSchema(current.sessionId(), currentPartition));
        }
        range =
                client.openRange(
                        current.sessionId(),
                        currentPartition,
                        current.nextRow(),
                        current.end() - current.nextRow() > remaining
                                ? current.nextRow() + remaining
                                : current.end(),
                        columns);
    }

    private void finishCurrent(RecordsBySplits.Builder<OUT> batch) {
        batch.addFinishedSplit(current.splitId());
        pausedIds.remove(current.splitId());
        closeRange();
        current = null;
    }

    /**
     * Handles the current split per the policy; {@code current} keeps the next unread row, since
     * the split's progress lives in the reader's split state and rows are emitted in order.
     */
    private void onInvalidated(String cause, Throwable error, RecordsBySplits.Builder<OUT> batch)
            throws IOException {
        String where = current.withNextRow(nextRow).describe();
        switch (policy) {
            case FAIL -> {
                closeRange();
                throw new IOException(
                        "The download session of table "
                                + tableName
                                + " can no longer be read ("
                                + where
                                + "): it expired or the partition was modified after it was"
                                + " created. Set the session invalidation policy to RECREATE or"
                                + " SKIP to continue in that case. Cause: "
                                + cause,
                        error);
            }
            case SKIP ->
                    LOG.warn(
                            "Table {}: skipping the rest of {} because its download session is no"
                                    + " longer valid: {}",
                            tableName,
                            where,
                            cause);
            case RECREATE -> {
                LOG.info(
                        "Table {}: download session of {} is no longer valid, handing it back for"
                                + " a new session: {}",
                        tableName,
                        where,
                        cause);
                invalidatedSplits.put(current.splitId(), current);
            }
        }
        finishCurrent(batch);
    }

    @Override
    public void handleSplitsChanges(SplitsChange<TunnelSplit> splitsChanges) {
        if (splitsChanges instanceof SplitsAddition) {
            splits.addAll(splitsChanges.splits());
        }
    }

    @Override
    public void wakeUp() {
        wakeUp = true;
        synchronized (wakeUpMonitor) {
            wakeUpMonitor.notifyAll();
        }
    }

    private void closeRange() {
        if (range != null) {
            range.close();
            range = null;
        }
    }

    @Override
    public void close() throws Exception {
        closeRange();
        if (client != null) {
            client.close();
        }
    }
}
