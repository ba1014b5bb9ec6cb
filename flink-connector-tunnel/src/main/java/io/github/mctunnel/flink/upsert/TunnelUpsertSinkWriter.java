package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.session.RecordPack;
import io.github.mctunnel.client.session.UpsertRecordLayout;
import io.github.mctunnel.client.session.UpsertSession;
import io.github.mctunnel.client.upsert.BucketHasher;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.types.RowKind;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Writes the changelog of the buckets this subtask owns ({@code bucket % parallelism == subtask})
 * into one upsert session of the partition: INSERT and UPDATE_AFTER as upserts, DELETE as deletes,
 * UPDATE_BEFORE dropped. Each bucket has its own reusable pack, flushed when it holds 1 MiB, when
 * all packs together hold the configured maximum, and at every checkpoint.
 *
 * <p>The session spans checkpoints: at each checkpoint it is offered to the committer, which
 * commits it once the partition's commit interval has passed. A flush refused because the committer
 * has committed the session meanwhile moves on to a new session and re-sends the pack. Since a key
 * lives in one bucket and a bucket in one writer, a key's changes reach the service in order and
 * its sessions are committed in order; replays after a restore re-apply a suffix of the changelog
 * in order, which leaves the same table state (upserts and deletes by key are idempotent).
 *
 * <p>After a restore the writer continues its own session when the parallelism is unchanged.
 * Otherwise it commits every restored session before writing, so that no older change can become
 * visible after a newer one written by another writer.
 */
@Internal
public final class TunnelUpsertSinkWriter<IN>
        implements StatefulSinkWriter<IN, UpsertSessionRef>,
                CommittingSinkWriter<IN, UpsertSessionRef> {

    /** A bucket's pack is flushed when it holds this many bytes (as the SDK does). */
    static final int BUCKET_FLUSH_BYTES = 1 << 20;

    /** Largest STRING/BINARY value the service takes. */
    static final int MAX_FIELD_SIZE = 8 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(TunnelUpsertSinkWriter.class);

    private final TunnelClient client;
    private final TableIdentifier table;
    private final PartitionSpec partition;
    private final String partitionName;
    private final UpsertRecordSerializer<IN> serializer;
    private final Compression compression;
    private final long maxBufferedBytes;
    private final Duration commitInterval;
    private final int subtask;
    private final int parallelism;
    private final int ownedBuckets;
    private final BucketHasher hasher;
    private final int[] keyIndexes;
    private final Object[] keyValues;
    private final UpsertRecordLayout layout;
    private final Object[] record;
    private final RecordPack[] packs;
    private final Counter recordsSent;
    private Object[] data;
    private long bufferedBytes;

    private UpsertSession session;
    private boolean sessionHasData;
    private boolean flushedSinceCheckpoint;
    private boolean endOfInput;

    /**
     * @param client closed by {@link #close()}
     * @param restored the writer state this subtask got back (possibly of other subtasks)
     * @param recordsSent counts records handed to the service, or null
     * @throws IllegalStateException when the table does not match {@code key}
     */
    public TunnelUpsertSinkWriter(
            TunnelClient client,
            String table,
            PartitionSpec partition,
            UpsertRecordSerializer<IN> serializer,
            UpsertKeyDeclaration key,
            Compression compression,
            long maxBufferedBytes,
            Duration commitInterval,
            int subtask,
            int parallelism,
            Collection<UpsertSessionRef> restored,
            Counter recordsSent)
            throws IOException {
        this.client = client;
        this.table = client.table(table);
        this.partition = partition;
        this.partitionName = partition.toString();
        this.serializer = serializer;
        this.compression = compression;
        this.maxBufferedBytes = maxBufferedBytes;
        this.commitInterval = commitInterval;
        this.subtask = subtask;
        this.parallelism = parallelism;
        this.recordsSent = recordsSent == null ? new SimpleCounter() : recordsSent;
        int owned = 0;
        for (int b = 0; b < key.bucketCount(); b++) {
            if (BucketPartitioner.ownerOf(b, parallelism) == subtask) {
                owned++;
            }
        }
        this.ownedBuckets = owned;

        this.session = resume(restored);
        if (session == null) {
            session = createSession();
        }
        key.verify(session, this.table.toString());
        TableSchema schema = session.schema();
        serializer.open(TableSchema.of(schema.columns()));
        this.hasher = key.newHasher();
        List<Column> keyColumns = key.keyColumns();
        this.keyIndexes = new int[keyColumns.size()];
        for (int i = 0; i < keyIndexes.length; i++) {
            keyIndexes[i] = schema.indexOf(keyColumns.get(i).name());
        }
        this.keyValues = new Object[keyIndexes.length];
        this.layout = session.recordLayout();
        this.record = layout.newRow();
        this.data = new Object[schema.columnCount()];
        this.packs = new RecordPack[key.bucketCount()];
    }

    /** Continues this subtask's own session, or commits every restored session first. */
    private UpsertSession resume(Collection<UpsertSessionRef> restored) throws IOException {
        boolean own =
                restored.size() == 1
                        && restored.iterator().next().subtask() == subtask
                        && restored.iterator().next().parallelism() == parallelism
                        && restored.iterator().next().partition().equals(partitionName);
        for (UpsertSessionRef ref : restored) {
            UpsertSession s =
                    client.attachUpsertSession(
                            table, PartitionSpec.parse(ref.partition()), ref.sessionId());
            String status = s.status();
            if ("committed".equals(status)) {
                continue;
            }
            if (!"normal".equals(status) && !"committing".equals(status)) {
                throw new IllegalStateException(
                        "The restored upsert session "
                                + ref.sessionId()
                                + " of "
                                + table
                                + " is '"
                                + status
                                + "'; the changes written to it before the checkpoint are lost");
            }
            if (own && "normal".equals(status)) {
                sessionHasData = true;
                return s;
            }
            LOG.info(
                    "Committing restored upsert session {} of {} before writing (subtask {} of {})",
                    ref.sessionId(),
                    table,
                    subtask,
                    parallelism);
            s.commit();
        }
        return null;
    }

    private UpsertSession createSession() throws TunnelException {
        UpsertSession s = client.createUpsertSession(table, partition, Math.max(1, ownedBuckets));
        LOG.debug("Subtask {} opened upsert session {} of {}", subtask, s.id(), table);
        return s;
    }

    @Override
    public void write(IN element, Context context) throws IOException {
        RowKind kind = serializer.kind(element);
        byte operation;
        switch (kind) {
            case INSERT:
            case UPDATE_AFTER:
                operation = UpsertRecordLayout.OPERATION_UPSERT;
                break;
            case DELETE:
                operation = UpsertRecordLayout.OPERATION_DELETE;
                break;
            case UPDATE_BEFORE:
                return;
            default:
                throw new IllegalArgumentException("Unknown change kind " + kind);
        }
        data = serializer.serialize(element, data);
        for (int i = 0; i < keyIndexes.length; i++) {
            keyValues[i] = data[keyIndexes[i]];
        }
        int bucket = hasher.bucket(keyValues);
        if (BucketPartitioner.ownerOf(bucket, parallelism) != subtask) {
            throw new IllegalStateException(
                    "A record of bucket "
                            + bucket
                            + " reached upsert writer subtask "
                            + subtask
                            + " of "
                            + parallelism
                            + ", which owns only the buckets b with b % "
                            + parallelism
                            + " == "
                            + subtask
                            + "; the stream must reach TunnelUpsertSink through its bucket"
                            + " routing");
        }
        layout.fill(record, data, operation);
        RecordPack pack = packs[bucket];
        if (pack == null) {
            pack = new RecordPack(layout.columns(), compression, MAX_FIELD_SIZE);
            packs[bucket] = pack;
        }
        int before = pack.bufferedBytes();
        pack.append(record);
        bufferedBytes += pack.bufferedBytes() - before;
        recordsSent.inc();
        if (pack.bufferedBytes() >= BUCKET_FLUSH_BYTES) {
            flushBucket(bucket);
        } else if (bufferedBytes >= maxBufferedBytes) {
            flushAll();
        }
    }

    private void flushAll() throws IOException {
        for (int b = 0; b < packs.length; b++) {
            flushBucket(b);
        }
        bufferedBytes = 0;
    }

    private void flushBucket(int bucket) throws IOException {
        RecordPack pack = packs[bucket];
        if (pack == null || pack.recordCount() == 0) {
            return;
        }
        int size = pack.bufferedBytes();
        if (session == null) {
            session = createSession();
            sessionHasData = false;
        }
        try {
            session.flush(bucket, pack);
        } catch (TunnelException e) {
            if (e.httpStatus() != 409 && !e.hasErrorCode("StatusConflict")) {
                throw e;
            }
            session.reload();
            String status = session.status();
            if ("normal".equals(status)) {
                throw e;
            }
            if (!"committed".equals(status)) {
                throw new IOException(
                        "The upsert session "
                                + session.id()
                                + " of "
                                + table
                                + " became '"
                                + status
                                + "' while it was written; its uncommitted changes are lost",
                        e);
            }
            // the committer committed it: what it holds is visible, go on in a new session
            session = createSession();
            sessionHasData = false;
            session.flush(bucket, pack);
        }
        bufferedBytes = Math.max(0, bufferedBytes - size);
        sessionHasData = true;
        flushedSinceCheckpoint = true;
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        flushAll();
        if (endOfInput && !this.endOfInput) {
            this.endOfInput = true;
            commitAtEndOfInput();
        }
    }

    /**
     * The committer does not get the sessions of the last checkpoint of a finished job, so each
     * writer commits its own. Writer {@code s} waits {@code (s + 2)} commit intervals first: two
     * for the committer's last commits (it may still commit a checkpoint completed just before the
     * end), then one per writer before it.
     */
    private void commitAtEndOfInput() throws IOException, InterruptedException {
        if (session == null || !sessionHasData) {
            return;
        }
        Thread.sleep(commitInterval.toMillis() * (subtask + 2L));
        session.reload();
        if ("normal".equals(session.status())) {
            session.commit();
            LOG.info("Committed upsert session {} of {} at end of input", session.id(), table);
        }
        session = null;
        sessionHasData = false;
    }

    @Override
    public Collection<UpsertSessionRef> prepareCommit() throws IOException {
        if (session == null || !sessionHasData) {
            return List.of();
        }
        if (!flushedSinceCheckpoint && !endOfInput) {
            // nothing written since the last checkpoint: stop offering it once it is committed
            session.reload();
            if ("committed".equals(session.status())) {
                session = null;
                sessionHasData = false;
                return List.of();
            }
        }
        flushedSinceCheckpoint = false;
        return List.of(ref());
    }

    @Override
    public List<UpsertSessionRef> snapshotState(long checkpointId) {
        return session == null || !sessionHasData ? List.of() : List.of(ref());
    }

    private UpsertSessionRef ref() {
        return new UpsertSessionRef(partitionName, session.id(), subtask, parallelism);
    }

    /** The current session's id, or null between a commit and the next flush. */
    String currentSessionId() {
        return session == null ? null : session.id();
    }

    @Override
    public void close() throws Exception {
        try {
            if (session != null && !sessionHasData) {
                session.abort();
            }
        } catch (TunnelException e) {
            LOG.warn("Could not abort the unused upsert session {}", session.id(), e);
        } finally {
            client.close();
        }
    }
}
