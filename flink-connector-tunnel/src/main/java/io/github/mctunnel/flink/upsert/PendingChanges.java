package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.session.UpsertRecordLayout;
import io.github.mctunnel.client.upsert.BucketHasher;

import org.apache.flink.annotation.Internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes of one bucket since its last flush, compacted: per key only what the service needs
 * for the key's final state, in the order the keys first changed. A key that changes a thousand
 * times between two flushes is sent once.
 *
 * <ul>
 *   <li>Whole-row upserts: the last change per key (an upsert replaces the whole row, a delete
 *       removes it).
 *   <li>Partial-column upserts (all of one sink set the same columns): the last change, but a
 *       delete followed by upserts is sent as that delete and then the last upsert, so the columns
 *       the upserts do not set are NULL in the re-created row, as without compaction.
 * </ul>
 *
 * <p>A change is kept as it was staged ({@link StagedRecord}: primitives unboxed, strings as their
 * bytes in the key's own buffer), copied into a record per key that is refilled in place when the
 * key changes again; values become objects and layout records only when the bucket is drained, so
 * the changes compacted away cost a copy of their bytes and nothing else. Objects a serializer
 * hands over ({@code setValue}, {@code setDecimal(BigDecimal)}) are kept until the flush:
 * serializers must not change them after returning them. A staged value that no Java value can hold
 * (a date or timestamp out of {@code java.time}'s range) fails when its change is drained, at the
 * next flush, with the same message; when a later change of the key replaced it first, it is never
 * sent and never fails. Not thread-safe.
 */
@Internal
final class PendingChanges {

    /** A rough heap size of one key's map entry, key object and bookkeeping. */
    private static final int KEY_OVERHEAD = 96;

    private final UpsertRecordLayout layout;
    private final int dataColumns;
    private final BucketHasher hasher;
    private final boolean partial;
    private final Map<Key, Pending> byKey = new LinkedHashMap<>();

    /** The key of the change being added, reused across changes. */
    private final Key probe;

    /** A record of the table's data columns, whose fields the records per key share. */
    private final StagedRecord shape;

    /** A drained change's values in table order and its layout record, reused. */
    private final Object[] values;

    private final Object[] row;

    private long estimatedBytes;
    private long encodedBytes;
    private int records;

    /**
     * @param keyCount the number of primary-key columns
     * @param partial the upserts set only some columns (partial-column updates)
     */
    PendingChanges(UpsertRecordLayout layout, int keyCount, BucketHasher hasher, boolean partial) {
        this.layout = layout;
        this.dataColumns = layout.dataColumnCount();
        this.hasher = hasher;
        this.partial = partial;
        this.probe = new Key(new Object[keyCount]);
        this.shape = new StagedRecord(layout.columns().subList(0, dataColumns));
        this.values = new Object[dataColumns];
        this.row = layout.newRow();
    }

    /**
     * A change of one key.
     *
     * @param change the staged change
     * @param sourceFields per table column, the field of {@code change} that holds its value, or -1
     *     for NULL (a delete maps only its key columns: it needs nothing else)
     * @param keyValues the key's values as {@link BucketHasher#bucket} took them
     * @param operation {@link UpsertRecordLayout#OPERATION_UPSERT} or {@code OPERATION_DELETE}
     * @param valueColumnIds the partial update's {@code __value_cols} (empty for whole rows)
     */
    void add(
            StagedRecord change,
            int[] sourceFields,
            Object[] keyValues,
            byte operation,
            List<Long> valueColumnIds) {
        // look up with the reused probe: a key that changes again allocates no key here
        for (int i = 0; i < keyValues.length; i++) {
            probe.values[i] = hasher.canonicalKey(i, keyValues[i]);
        }
        probe.rehash();
        Pending p = byKey.get(probe);
        int before = p == null ? 0 : p.count();
        if (p == null) {
            p = new Pending(shape.withSameFields());
            Key key = new Key(probe.values.clone());
            byKey.put(key, p);
            estimatedBytes += KEY_OVERHEAD;
            for (Object v : key.values) {
                estimatedBytes += keyHeap(v);
            }
        } else {
            // the replaced change's estimates were kept: no second walk over its values
            estimatedBytes -= p.lastHeap;
            encodedBytes -= p.lastEncoded;
            if (partial
                    && p.deleteFirst == null
                    && operation == UpsertRecordLayout.OPERATION_UPSERT
                    && p.isDelete()) {
                // delete then upsert: the delete stays in front of the upsert
                p.deleteFirst = p.last;
                p.deleteFirstOperation = p.operation;
                p.deleteFirstColumns = p.valueColumnIds;
                p.last = shape.withSameFields();
                estimatedBytes += p.lastHeap;
                encodedBytes += p.lastEncoded;
            }
        }
        p.last.copyFrom(change, sourceFields);
        p.operation = operation;
        p.valueColumnIds = valueColumnIds;
        p.lastHeap = p.last.heapEstimate();
        p.lastEncoded = p.last.encodedEstimate();
        estimatedBytes += p.lastHeap;
        encodedBytes += p.lastEncoded;
        records += p.count() - before;
    }

    /** Where drained records go; the array is reused for the next record. */
    @FunctionalInterface
    interface RecordSink {
        void accept(Object[] record) throws java.io.IOException;
    }

    /**
     * Hands every pending record to {@code sink} in layout form (a delete before its key's upsert)
     * and clears; cleared as well when {@code sink} throws.
     */
    void drainTo(RecordSink sink) throws java.io.IOException {
        try {
            for (Pending p : byKey.values()) {
                if (p.deleteFirst != null && !p.isDelete()) {
                    p.deleteFirst.values(values);
                    layout.fill(row, values, p.deleteFirstOperation, p.deleteFirstColumns);
                    sink.accept(row);
                }
                p.last.values(values);
                layout.fill(row, values, p.operation, p.valueColumnIds);
                sink.accept(row);
            }
        } finally {
            byKey.clear();
            Arrays.fill(values, null);
            Arrays.fill(row, null);
            estimatedBytes = 0;
            encodedBytes = 0;
            records = 0;
        }
    }

    boolean isEmpty() {
        return byKey.isEmpty();
    }

    /** Keys with a pending change. */
    int keys() {
        return byKey.size();
    }

    /** A rough estimate of the heap the pending changes take. */
    long estimatedBytes() {
        return estimatedBytes;
    }

    /** A rough estimate of the pending records' encoded size (before compression). */
    long encodedBytes() {
        return encodedBytes;
    }

    /** The records a drain would hand out now. */
    int records() {
        return records;
    }

    /** A rough heap size of a canonical key value. */
    private static long keyHeap(Object v) {
        if (v instanceof byte[] b) {
            return 16 + b.length;
        }
        if (v instanceof String s) {
            return 40 + 2L * s.length();
        }
        return v instanceof java.math.BigDecimal ? 64 : 24;
    }

    private static final class Pending {
        StagedRecord last;
        byte operation;
        List<Long> valueColumnIds;

        StagedRecord deleteFirst;
        byte deleteFirstOperation;
        List<Long> deleteFirstColumns;

        /** The estimates of {@link #last}, taken when it was filled. */
        long lastHeap;

        long lastEncoded;

        Pending(StagedRecord last) {
            this.last = last;
        }

        boolean isDelete() {
            return operation == UpsertRecordLayout.OPERATION_DELETE;
        }

        /** Records a drain hands out for this key. */
        int count() {
            return deleteFirst != null && !isDelete() ? 2 : 1;
        }
    }

    /** Key values compared by content (byte[] keys too). */
    private static final class Key {
        private final Object[] values;
        private int hash;

        Key(Object[] values) {
            this.values = values;
            rehash();
        }

        /** For the probe only, after its values were set: never for a key in the map. */
        void rehash() {
            this.hash = Arrays.deepHashCode(values);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && Arrays.deepEquals(values, k.values);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
