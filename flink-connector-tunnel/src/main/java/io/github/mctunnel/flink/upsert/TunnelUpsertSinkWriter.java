package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.session.RecordPack;
import io.github.mctunnel.client.session.UpsertRecordLayout;
import io.github.mctunnel.client.upsert.BucketHasher;
import io.github.mctunnel.flink.convert.ValueConversionException;
import io.github.mctunnel.flink.sink.BadRecordPolicy;
import io.github.mctunnel.flink.sink.writer.BadRecords;
import io.github.mctunnel.flink.sink.writer.DynamicPartitionResolver;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.types.RowKind;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the changelog of the buckets this subtask owns ({@code bucket % parallelism == subtask})
 * into one upsert session per partition: INSERT and UPDATE_AFTER as upserts, DELETE as deletes,
 * UPDATE_BEFORE dropped. The partition is fixed, or (dynamic partitions) taken from the values of
 * the partition columns the serializer gives after the data columns. Each (partition, bucket) has
 * its own reusable pack, flushed when it holds 1 MiB (with compaction: when the bucket's pending
 * changes hold about 1 MiB encoded), when all of the writer's changes together hold the configured
 * maximum, and at every checkpoint. With compaction ({@link PendingChanges}) only the last change
 * per key since the bucket's last flush is sent.
 *
 * <p>A session spans checkpoints: at each checkpoint it is offered to the committer, which commits
 * it once the partition's commit interval has passed. A flush refused because the committer has
 * committed the session meanwhile moves on to a new session and re-sends the pack. At end of input
 * the sessions are offered one last time, marked {@link UpsertSessionRef#last()}, and the committer
 * commits them at Flink's final checkpoint. Since a key lives in one bucket and a bucket in one
 * writer, a key's changes reach the service in order and its sessions are committed in order;
 * replays after a restore re-apply a suffix of the changelog in order, which leaves the same table
 * state (upserts and deletes by key are idempotent).
 *
 * <p>With partial-column updates ({@code updatedColumns}) the serializer gives only the key and the
 * updated columns; every upsert lists the updated columns' ids in {@code __value_cols}, so the
 * table keeps the other columns of existing rows. The table must enable them (checked against the
 * first session).
 *
 * <p>After a restore the writer continues its own sessions when the parallelism is unchanged.
 * Otherwise it hands every restored session to the committer, which commits them (paced) before any
 * newer session of their partitions, so that no older change can become visible after a newer one
 * written by another writer.
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

    private final UpsertTable table;
    private final UpsertRecordSerializer<IN> serializer;
    private final UpsertKeyDeclaration key;
    private final Compression compression;
    private final long maxBufferedBytes;
    private final int subtask;
    private final int parallelism;
    private final UpsertSessionSource sessions;
    private final BucketHasher hasher;
    private final int[] keyIndexes;
    private final Object[] keyValues;
    private final UpsertRecordLayout layout;

    /**
     * The layout's columns with every non-key data column nullable: the writer checks NOT NULL for
     * upserts itself, and a delete needs only its key.
     */
    private final List<Column> packColumns;

    private final Object[] record;
    private final int columnCount;

    /** The columns a partial update sets (the key implied), or null to upsert whole rows. */
    private final List<String> updatedColumns;

    /**
     * Per serialized data value, its table column (partial updates), or null when the serializer
     * gives all data columns in table order.
     */
    private final int[] writtenColumns;

    /** The {@code __value_cols} of every upsert: empty, or the partial update's column ids. */
    private List<Long> valueColumnIds = List.of();

    /** Null with a fixed partition. */
    private DynamicPartitionResolver resolver;

    /** The index of the first partition key among the serialized fields. */
    private final int partitionKeysOffset;

    private final List<Column> partitionKeyColumns;

    /**
     * The data values of a record in table order, when they are not the serialized values as they
     * are (dynamic partitions, partial updates).
     */
    private final Object[] dataValues;

    private final Map<PartitionSpec, PartitionWriter> partitions = new LinkedHashMap<>();

    /** Restored sessions of other writers, handed to the committer at the next checkpoint. */
    private final List<UpsertSessionRef> inherited = new ArrayList<>();

    private final Counter recordsSent;
    private final BadRecords badRecords;

    /** Whether changes are compacted per key between two flushes of a bucket. */
    private final boolean compaction;

    /** Counts changes a later change of the same key replaced before they were sent. */
    private final Counter changesCompacted;

    /** The primary-key columns' indexes in the table's data columns. */
    private final int[] tableKeyIndexes;

    /** Per data column, whether it is a primary-key column. */
    private final boolean[] isKeyColumn;

    /** Checks changes as the codec would, before compaction keeps them (SKIP policy only). */
    private RecordStreamWriter validator;

    private Object[] data;

    /** The record the serializer writes each change into, reused. */
    private final StagedRecord serialized;

    /** Changes are kept as objects (no compaction, or bad changes skipped: they are checked). */
    private final boolean asObjects;

    /** Per table column, the serialized field holding its value, or -1 (partial updates). */
    private final int[] fieldOfColumn;

    /** Per table column, the serialized field of a key column, -1 for the others (deletes). */
    private final int[] keyFieldOfColumn;

    private PartitionWriter current;
    private long bufferedBytes;
    private boolean verified;
    private boolean endOfInput;

    /**
     * @param table closed by {@link #close()}
     * @param partition the partition of every change, or null to take it from each record
     * @param updatedColumns the columns partial updates set, or null to upsert whole rows
     * @param restored the writer state this subtask got back (possibly of other subtasks)
     * @param restoredCheckpointId the checkpoint {@code restored} comes from, -1 when none
     * @param sessions where the sessions all writers share come from (the sink's coordinator)
     * @param recordsSent counts records handed to the service, or null
     * @param badRecords the NOT NULL checks and what a change the table cannot take does, or null
     *     to fail
     * @param compaction keep only the last change per key between two flushes of a bucket
     * @param changesCompacted counts the changes compaction dropped, or null
     * @throws IllegalStateException when the table does not match {@code key}, or does not take the
     *     partial updates
     */
    TunnelUpsertSinkWriter(
            UpsertTable table,
            PartitionSpec partition,
            UpsertRecordSerializer<IN> serializer,
            UpsertKeyDeclaration key,
            Compression compression,
            long maxBufferedBytes,
            List<String> updatedColumns,
            int subtask,
            int parallelism,
            Collection<UpsertSessionRef> restored,
            long restoredCheckpointId,
            UpsertSessionSource sessions,
            Counter recordsSent,
            BadRecords badRecords,
            boolean compaction,
            Counter changesCompacted)
            throws IOException {
        this.compaction = compaction;
        this.changesCompacted = changesCompacted == null ? new SimpleCounter() : changesCompacted;
        this.sessions = sessions;
        this.table = table;
        this.updatedColumns = updatedColumns == null ? null : List.copyOf(updatedColumns);
        this.serializer = serializer;
        this.key = key;
        this.compression = compression;
        this.maxBufferedBytes = maxBufferedBytes;
        this.subtask = subtask;
        this.parallelism = parallelism;
        this.recordsSent = recordsSent == null ? new SimpleCounter() : recordsSent;
        this.badRecords =
                badRecords != null
                        ? badRecords
                        : new BadRecords(
                                table.name(),
                                table.schema(),
                                BadRecordPolicy.FAIL,
                                new SimpleCounter());
        this.asObjects = !compaction || this.badRecords.skips();

        resume(restored, restoredCheckpointId);
        List<Column> columns;
        List<Column> partitionKeys;
        // no session is opened here: the gateway to the coordinator opens after the writer
        TableSchema schema = table.schema();
        if (partition != null) {
            current = new PartitionWriter(partition, null, false);
            partitions.put(partition, current);
            columns = schema.columns();
            partitionKeys = List.of();
        } else {
            if (schema.partitionKeys().isEmpty()) {
                throw new IllegalArgumentException(
                        "Table "
                                + table.name()
                                + " is not partitioned; TunnelUpsertSink takes partition values"
                                + " from the records only for a partitioned table (setPartition"
                                + " or no partition for this one)");
            }
            columns = schema.columns();
            partitionKeys = schema.partitionKeys();
        }
        this.columnCount = columns.size();
        TableSchema dataSchema = TableSchema.of(columns);
        List<Column> keyColumns = key.keyColumns();
        List<String> keyNames = new ArrayList<>(keyColumns.size());
        for (Column c : keyColumns) {
            keyNames.add(c.name());
        }
        List<Column> written = columns;
        this.writtenColumns =
                this.updatedColumns == null ? null : writtenColumns(dataSchema, keyNames);
        if (writtenColumns != null) {
            written = new ArrayList<>(writtenColumns.length);
            for (int c : writtenColumns) {
                written.add(columns.get(c));
            }
        }
        List<Column> serializedColumns = new ArrayList<>(written);
        serializedColumns.addAll(partitionKeys);
        this.partitionKeysOffset = written.size();
        this.partitionKeyColumns = partitionKeys;
        this.resolver =
                partition != null
                        ? null
                        : DynamicPartitionResolver.withoutDefault(
                                partitionKeysOffset,
                                partitionKeys,
                                "; every change needs a value for it",
                                "; every change needs a usable value for it");
        TableSchema serializedSchema = TableSchema.of(serializedColumns);
        serializer.open(serializedSchema);
        this.hasher = key.newHasher();
        this.keyIndexes = new int[keyColumns.size()];
        for (int i = 0; i < keyIndexes.length; i++) {
            keyIndexes[i] = serializedSchema.indexOf(keyColumns.get(i).name());
        }
        this.keyValues = new Object[keyIndexes.length];
        this.layout = new UpsertRecordLayout(dataSchema, keyNames);
        this.tableKeyIndexes = keyIndexesOf(dataSchema);
        this.isKeyColumn = new boolean[columnCount];
        for (int k : tableKeyIndexes) {
            isKeyColumn[k] = true;
        }
        this.packColumns = packColumns(layout.columns(), columnCount, tableKeyIndexes);
        this.record = layout.newRow();
        this.data = new Object[serializedColumns.size()];
        this.serialized = new StagedRecord(serializedColumns);
        this.fieldOfColumn = new int[columnCount];
        this.keyFieldOfColumn = new int[columnCount];
        java.util.Arrays.fill(keyFieldOfColumn, -1);
        if (writtenColumns == null) {
            for (int c = 0; c < columnCount; c++) {
                fieldOfColumn[c] = c;
            }
        } else {
            java.util.Arrays.fill(fieldOfColumn, -1);
            for (int f = 0; f < writtenColumns.length; f++) {
                fieldOfColumn[writtenColumns[f]] = f;
            }
        }
        for (int k = 0; k < keyIndexes.length; k++) {
            keyFieldOfColumn[tableKeyIndexes[k]] = keyIndexes[k];
        }
        this.dataValues =
                resolver == null && writtenColumns == null ? null : new Object[columnCount];
    }

    /**
     * With dynamic partitions, sends changes whose partition value is NULL, empty or unusable to
     * {@code defaultPartition} instead of refusing them.
     */
    void useDefaultPartition(PartitionSpec defaultPartition) throws IOException {
        if (resolver != null && defaultPartition != null) {
            defaultPartition.validateAgainst(table.schema(), table.name());
            resolver =
                    DynamicPartitionResolver.withDefault(
                            partitionKeysOffset, partitionKeyColumns, defaultPartition);
        }
    }

    private int[] keyIndexesOf(TableSchema dataSchema) {
        int[] indexes = new int[key.keyColumns().size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = dataSchema.indexOf(key.keyColumns().get(i).name());
        }
        return indexes;
    }

    private static List<Column> packColumns(
            List<Column> layoutColumns, int dataColumns, int[] keyIndexes) {
        List<Column> columns = new ArrayList<>(layoutColumns);
        for (int i = 0; i < dataColumns; i++) {
            Column c = columns.get(i);
            boolean key = false;
            for (int k : keyIndexes) {
                key |= k == i;
            }
            if (!key && !c.nullable()) {
                columns.set(i, new Column(c.name(), c.type(), true, c.comment(), c.columnId()));
            }
        }
        return List.copyOf(columns);
    }

    /** The table column of each value a partial update writes: the key, then the updated ones. */
    private int[] writtenColumns(TableSchema dataSchema, List<String> keyNames) {
        List<Integer> indexes = new ArrayList<>();
        for (String k : keyNames) {
            indexes.add(dataSchema.indexOf(k));
        }
        List<String> unknown = new ArrayList<>();
        for (String name : updatedColumns) {
            int idx = dataSchema.indexOf(name);
            if (idx < 0) {
                unknown.add(name);
            } else if (!indexes.contains(idx)) {
                indexes.add(idx);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "TunnelUpsertSink updates columns "
                            + unknown
                            + " that table "
                            + table.name()
                            + " does not have; its columns are "
                            + dataSchema.columnNames());
        }
        return indexes.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Hands every restored session with changes over to the committer (once, at the next
     * checkpoint), which commits it before any newer session of its partition. Writers share
     * sessions, so every writer may hand over the same one; the committer commits it once. New
     * changes go into new shared sessions.
     */
    private void resume(Collection<UpsertSessionRef> restored, long restoredCheckpointId)
            throws IOException {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (UpsertSessionRef ref : restored) {
            if (!seen.add(ref.sessionId())) {
                continue;
            }
            PartitionSpec partition = PartitionSpec.parse(ref.partition());
            UpsertSessionHandle s;
            try {
                s = table.attachSession(partition, ref.sessionId());
            } catch (TunnelException e) {
                if (!UpsertSessions.isUnknown(e)) {
                    throw e;
                }
                // the committer reports it once (every writer may hold it): logged and counted,
                // or a failure when so configured
                inherited.add(ref.handedOverFrom(restoredCheckpointId));
                continue;
            }
            String status = s.status();
            if ("committed".equals(status)) {
                continue;
            }
            if (UpsertSessions.isExpired(status)) {
                inherited.add(ref.handedOverFrom(restoredCheckpointId)); // reported there too
                continue;
            }
            if (!"normal".equals(status) && !"committing".equals(status)) {
                throw new IllegalStateException(
                        "The restored upsert session "
                                + ref.sessionId()
                                + " of "
                                + table.name()
                                + (partition.isEmpty() ? "" : " partition " + partition)
                                + " is '"
                                + status
                                + "'; the changes written to it before the checkpoint are lost");
            }
            LOG.info(
                    "Handing restored upsert session {} of {} over to the committer (subtask {} of"
                            + " {})",
                    ref.sessionId(),
                    table.name(),
                    subtask,
                    parallelism);
            inherited.add(ref.handedOverFrom(restoredCheckpointId));
        }
    }

    /**
     * The session all writers currently share for the partition, from the coordinator.
     *
     * @param replaced the session that can no longer take changes, or null
     */
    private UpsertSessionHandle newSession(PartitionSpec partition, String replaced)
            throws IOException {
        String id;
        try {
            id = sessions.session(partition, replaced);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException(
                    "interrupted while asking for the upsert session of " + table.name());
        }
        UpsertSessionHandle s;
        for (int attempt = 1; ; attempt++) {
            try {
                s = table.attachSession(partition, id);
                break;
            } catch (TunnelException e) {
                if (!UpsertSessions.isUnknown(e) || attempt >= 3) {
                    throw e;
                }
                // the service lost or expired the partition's current session (e.g. a service
                // restart, or a regional failover to a session that expired meanwhile): have the
                // coordinator replace it
                LOG.warn(
                        "Upsert session {} of {} {} is unknown to the service; asking for a new"
                                + " one",
                        id,
                        table.name(),
                        partition);
                try {
                    id = sessions.session(partition, id);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException(
                            "interrupted while asking for the upsert session of " + table.name());
                }
            }
        }
        LOG.debug(
                "Subtask {} writes shared upsert session {} of {} {}",
                subtask,
                s.id(),
                table.name(),
                partition);
        verify(s);
        return s;
    }

    private void verify(UpsertSessionHandle session) {
        if (verified) {
            return;
        }
        key.verify(session, table.name());
        if (updatedColumns != null) {
            if (!session.partialUpdateEnabled()) {
                throw new IllegalStateException(
                        "Table "
                                + table.name()
                                + " does not take partial-column updates, but TunnelUpsertSink"
                                + " updates only columns "
                                + updatedColumns
                                + "; set the table property"
                                + " 'acid.partial.fields.update.enable'='true' or write whole"
                                + " rows");
            }
            valueColumnIds = session.recordLayout().valueColumnIds(updatedColumns);
        }
        verified = true;
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
        // 1. the element's values and partition: a value the table cannot take is a bad record
        PartitionWriter target;
        try {
            serialized.clear();
            serializer.serialize(element, serialized);
            if (asObjects) {
                // the packs take values as objects (as does the check of a change to skip)
                serialized.values(data);
            }
            target = current;
            if (resolver != null) {
                PartitionSpec partition = resolver.resolve(serialized);
                if (target == null || target.partition != partition) {
                    target = partitions.get(partition);
                    if (target == null) {
                        target = new PartitionWriter(partition, null, false);
                        partitions.put(partition, target);
                    }
                    current = target;
                }
            }
        } catch (IllegalArgumentException | ValueConversionException e) {
            if (!badRecords.skip(e)) {
                throw e;
            }
            return;
        }
        // 2. partial updates take their column ids from a session (a failure here is the job's)
        if (writtenColumns != null && !verified) {
            if (target.session == null) {
                target.session = newSession(target.partition, null);
                target.hasData = false;
                target.changes = 0;
            } else {
                verify(target.session);
            }
        }
        // 3. the change in table order, its bucket, and the checks of its values
        int bucket;
        long pendingBytes;
        try {
            Object[] values = data;
            if (!asObjects) {
                values = null;
            } else if (writtenColumns != null) {
                for (int i = 0; i < writtenColumns.length; i++) {
                    dataValues[writtenColumns[i]] = data[i];
                }
                values = dataValues;
            } else if (resolver != null) {
                System.arraycopy(data, 0, dataValues, 0, columnCount);
                values = dataValues;
            }
            for (int i = 0; i < keyIndexes.length; i++) {
                keyValues[i] = asObjects ? data[keyIndexes[i]] : serialized.value(keyIndexes[i]);
            }
            bucket = hasher.bucket(keyValues);
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
            if (operation == UpsertRecordLayout.OPERATION_UPSERT) {
                // a delete needs only its key (the packs take NULL in other columns)
                if (values == null) {
                    // the serialized fields: the written columns in order (all when not partial)
                    badRecords.checkNotNull(serialized, writtenColumns);
                } else if (writtenColumns != null) {
                    badRecords.checkNotNull(values, writtenColumns);
                } else {
                    badRecords.checkNotNull(values);
                }
            }
            if (compaction) {
                if (badRecords.skips()) {
                    // refuse a bad change now, before it replaces the key's pending one
                    validate(values, operation);
                }
                PendingChanges changes = target.pending[bucket];
                if (changes == null) {
                    changes =
                            new PendingChanges(
                                    layout, keyIndexes.length, hasher, writtenColumns != null);
                    target.pending[bucket] = changes;
                }
                long before = changes.estimatedBytes();
                int recordsBefore = changes.records();
                changes.add(
                        serialized,
                        operation == UpsertRecordLayout.OPERATION_DELETE
                                ? keyFieldOfColumn
                                : fieldOfColumn,
                        keyValues,
                        operation,
                        valueColumnIds);
                bufferedBytes += changes.estimatedBytes() - before;
                changesCompacted.inc(1 - (changes.records() - recordsBefore));
                pendingBytes = changes.encodedBytes();
            } else {
                fill(record, values, operation);
                RecordPack pack = packFor(target, bucket);
                int before = pack.bufferedBytes();
                pack.append(record);
                bufferedBytes += pack.bufferedBytes() - before;
                pendingBytes = pack.bufferedBytes();
                recordsSent.inc();
            }
        } catch (IllegalArgumentException | ValueConversionException e) {
            // a change the table cannot take (the codec discards a record it refuses)
            if (!badRecords.skip(e)) {
                throw e;
            }
            return;
        }
        if (pendingBytes >= BUCKET_FLUSH_BYTES) {
            flushBucket(target, bucket);
        } else if (bufferedBytes >= maxBufferedBytes) {
            flushAll();
        }
    }

    /** Fills {@code row} with the change; a delete keeps only its key. */
    private void fill(Object[] row, Object[] values, byte operation) {
        layout.fill(row, values, operation, valueColumnIds);
        if (operation == UpsertRecordLayout.OPERATION_DELETE) {
            for (int i = 0; i < columnCount; i++) {
                if (!isKeyColumn[i]) {
                    row[i] = null;
                }
            }
        }
    }

    /**
     * Encodes the change into nothing, to refuse it as the pack would at the flush.
     *
     * @throws IllegalArgumentException naming the column and value the table cannot take
     */
    private void validate(Object[] values, byte operation) throws IOException {
        if (validator == null) {
            validator =
                    new RecordStreamWriter(
                            packColumns, java.io.OutputStream.nullOutputStream(), MAX_FIELD_SIZE);
        }
        fill(record, values, operation);
        validator.write(record);
    }

    private RecordPack packFor(PartitionWriter w, int bucket) throws IOException {
        RecordPack pack = w.packs[bucket];
        if (pack == null) {
            pack = new RecordPack(packColumns, compression, MAX_FIELD_SIZE);
            w.packs[bucket] = pack;
        }
        return pack;
    }

    /** Encodes a compacted change into the pack, applying the bad-record policy. */
    private void encode(RecordPack pack, Object[] change) throws IOException {
        try {
            pack.append(change);
        } catch (IllegalArgumentException e) {
            // e.g. a value over the field size limit (the codec discards the record)
            if (!badRecords.skip(e)) {
                throw e;
            }
            return;
        }
        recordsSent.inc();
    }

    private void flushAll() throws IOException {
        for (PartitionWriter w : partitions.values()) {
            for (int b = 0; b < w.packs.length; b++) {
                flushBucket(w, b);
            }
        }
        bufferedBytes = 0;
    }

    private void flushBucket(PartitionWriter w, int bucket) throws IOException {
        PendingChanges changes = w.pending[bucket];
        if (changes != null && !changes.isEmpty()) {
            long estimate = changes.estimatedBytes();
            RecordPack target = packFor(w, bucket);
            changes.drainTo(change -> encode(target, change));
            bufferedBytes = Math.max(0, bufferedBytes - estimate);
        }
        RecordPack pack = w.packs[bucket];
        if (pack == null || pack.recordCount() == 0) {
            return;
        }
        int size = compaction ? 0 : pack.bufferedBytes();
        long records = pack.recordCount();
        if (w.session == null) {
            w.session = newSession(w.partition, null);
            w.hasData = false;
            w.changes = 0;
        }
        try {
            w.session.flush(bucket, pack);
        } catch (TunnelException e) {
            String status;
            if (UpsertSessions.isUnknown(e)) {
                status = "expired";
            } else if (e.httpStatus() == 409 || e.hasErrorCode("StatusConflict")) {
                w.session.reload();
                status = w.session.status();
                if ("normal".equals(status)) {
                    throw e;
                }
            } else {
                throw e;
            }
            if (!"committed".equals(status) && !"committing".equals(status) && w.hasData) {
                throw new IOException(
                        "The upsert session "
                                + w.session.id()
                                + " of "
                                + table.name()
                                + (w.partition.isEmpty() ? "" : " partition " + w.partition)
                                + " became '"
                                + status
                                + "' while it was written; its uncommitted changes are lost",
                        e);
            }
            // the committer committed it (what it holds is or becomes visible), or it expired
            // before this writer wrote to it: go on in the partition's next shared session, which
            // the single committer cannot commit before this one
            w.session = newSession(w.partition, w.session.id());
            w.hasData = false;
            w.changes = 0;
            w.session.flush(bucket, pack);
        }
        bufferedBytes = Math.max(0, bufferedBytes - size);
        w.changes += records;
        w.hasData = true;
        w.flushedSinceCheckpoint = true;
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
        flushAll();
        if (endOfInput) {
            this.endOfInput = true;
        }
    }

    @Override
    public Collection<UpsertSessionRef> prepareCommit() throws IOException {
        List<UpsertSessionRef> refs = new ArrayList<>(inherited);
        inherited.clear();
        Iterator<PartitionWriter> it = partitions.values().iterator();
        while (it.hasNext()) {
            PartitionWriter w = it.next();
            if (w.session != null && w.hasData && !w.flushedSinceCheckpoint) {
                // nothing written since the last checkpoint: stop offering it once committed, or
                // once the service no longer knows it (the committer reports what it held)
                boolean gone;
                try {
                    w.session.reload();
                    gone = false;
                } catch (TunnelException e) {
                    if (!UpsertSessions.isUnknown(e)) {
                        throw e;
                    }
                    gone = true;
                }
                if (gone || "committed".equals(w.session.status())) {
                    w.session = null;
                    w.hasData = false;
                    w.changes = 0;
                }
            }
            if (w.session == null || !w.hasData) {
                if (resolver != null && w.session == null && w.isEmpty()) {
                    it.remove();
                    if (current == w) {
                        current = null;
                    }
                }
                continue;
            }
            w.flushedSinceCheckpoint = false;
            refs.add(ref(w, endOfInput));
        }
        return refs;
    }

    @Override
    public List<UpsertSessionRef> snapshotState(long checkpointId) {
        List<UpsertSessionRef> refs = new ArrayList<>(inherited);
        for (PartitionWriter w : partitions.values()) {
            if (w.session != null && w.hasData) {
                refs.add(ref(w, false));
            }
        }
        return refs;
    }

    private UpsertSessionRef ref(PartitionWriter w, boolean last) {
        return new UpsertSessionRef(
                w.partitionName, w.session.id(), subtask, parallelism, last, false, w.changes);
    }

    /** The current session id of each partition with one, for tests. */
    Map<String, String> currentSessionIds() {
        Map<String, String> ids = new HashMap<>();
        for (PartitionWriter w : partitions.values()) {
            if (w.session != null) {
                ids.put(w.partitionName, w.session.id());
            }
        }
        return ids;
    }

    /**
     * Sessions are shared by all writers: an unused one is left to the coordinator and expires
     * (another writer may write it).
     */
    @Override
    public void close() throws Exception {
        table.close();
    }

    /** One partition's session and bucket packs. */
    private final class PartitionWriter {
        final PartitionSpec partition;
        final String partitionName;
        final RecordPack[] packs = new RecordPack[key.bucketCount()];

        /** Per bucket, the compacted changes since its last flush (with compaction). */
        final PendingChanges[] pending = new PendingChanges[key.bucketCount()];

        UpsertSessionHandle session;

        /** Whether the session holds flushed changes not known to be committed. */
        boolean hasData;

        /** Changes this writer flushed into the session. */
        long changes;

        boolean flushedSinceCheckpoint;

        PartitionWriter(PartitionSpec partition, UpsertSessionHandle session, boolean hasData) {
            this.partition = partition;
            this.partitionName = partition.toString();
            this.session = session;
            this.hasData = hasData;
        }

        boolean isEmpty() {
            for (RecordPack p : packs) {
                if (p != null && p.recordCount() > 0) {
                    return false;
                }
            }
            for (PendingChanges c : pending) {
                if (c != null && !c.isEmpty()) {
                    return false;
                }
            }
            return true;
        }
    }
}
