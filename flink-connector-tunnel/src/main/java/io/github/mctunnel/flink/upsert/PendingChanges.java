package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.session.UpsertRecordLayout;
import io.github.mctunnel.client.upsert.BucketHasher;

import org.apache.flink.annotation.Internal;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
 * <p>Records are kept in the layout's form ({@link UpsertRecordLayout#fill}); a key's pending
 * record array is refilled in place when it changes again, so hot keys cost no allocation. The
 * values themselves are kept until the flush: serializers must not change a value object after
 * returning it (the strings, arrays and decimals they return are new per element). Not thread-safe.
 */
@Internal
final class PendingChanges {

    /** A rough heap size of one record array and its map entry. */
    private static final int RECORD_OVERHEAD = 96;

    private final UpsertRecordLayout layout;
    private final int dataColumns;
    private final int[] keyIndexes;
    private final boolean[] isKey;
    private final BucketHasher hasher;
    private final boolean partial;
    private final Map<Key, Pending> byKey = new LinkedHashMap<>();

    /** The key of the change being added, reused across changes. */
    private final Key probe;

    private long estimatedBytes;
    private long encodedBytes;
    private int records;

    /**
     * @param partial the upserts set only some columns (partial-column updates)
     */
    PendingChanges(
            UpsertRecordLayout layout,
            int dataColumns,
            int[] keyIndexes,
            BucketHasher hasher,
            boolean partial) {
        this.layout = layout;
        this.dataColumns = dataColumns;
        this.keyIndexes = keyIndexes;
        this.hasher = hasher;
        this.partial = partial;
        this.probe = new Key(new Object[keyIndexes.length]);
        this.isKey = new boolean[dataColumns];
        for (int k : keyIndexes) {
            isKey[k] = true;
        }
    }

    /** A change of the key {@code values} holds, {@code values} in table order. */
    void add(Object[] values, byte operation, java.util.List<Long> valueColumnIds) {
        // look up with the reused probe: a key that changes again allocates nothing here
        for (int i = 0; i < keyIndexes.length; i++) {
            probe.values[i] = hasher.canonicalKey(i, values[keyIndexes[i]]);
        }
        probe.rehash();
        Pending p = byKey.get(probe);
        int before = p == null ? 0 : p.count();
        if (p == null) {
            p = new Pending(layout.newRow());
            Key key = new Key(probe.values.clone());
            byKey.put(key, p);
            estimatedBytes += RECORD_OVERHEAD + heap(key.values, key.values.length);
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
                p.last = layout.newRow();
                estimatedBytes += RECORD_OVERHEAD + p.lastHeap;
                encodedBytes += p.lastEncoded;
            }
        }
        layout.fill(p.last, values, operation, valueColumnIds);
        if (operation == UpsertRecordLayout.OPERATION_DELETE) {
            // a delete needs only its key
            for (int i = 0; i < dataColumns; i++) {
                if (!isKey[i]) {
                    p.last[i] = null;
                }
            }
        }
        p.lastHeap = heap(p.last, dataColumns);
        p.lastEncoded = encoded(p.last, dataColumns);
        estimatedBytes += p.lastHeap;
        encodedBytes += p.lastEncoded;
        records += p.count() - before;
    }

    /** Where drained records go. */
    @FunctionalInterface
    interface RecordSink {
        void accept(Object[] record) throws java.io.IOException;
    }

    /**
     * Hands every pending record to {@code sink} (a delete before its key's upsert) and clears;
     * cleared as well when {@code sink} throws.
     */
    void drainTo(RecordSink sink) throws java.io.IOException {
        try {
            for (Pending p : byKey.values()) {
                if (p.deleteFirst != null && !p.isDelete()) {
                    sink.accept(p.deleteFirst);
                }
                sink.accept(p.last);
            }
        } finally {
            byKey.clear();
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

    /** A rough estimate of the heap the pending records take. */
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

    private final class Pending {
        Object[] last;
        Object[] deleteFirst;

        /** The estimates of {@link #last}'s values, taken when it was filled. */
        long lastHeap;

        long lastEncoded;

        Pending(Object[] last) {
            this.last = last;
        }

        boolean isDelete() {
            return last[dataColumns + 2] instanceof Byte b
                    && b == UpsertRecordLayout.OPERATION_DELETE;
        }

        /** Records a drain hands out for this key. */
        int count() {
            return deleteFirst != null && !isDelete() ? 2 : 1;
        }
    }

    private static long heap(Object[] values, int count) {
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            bytes += heap(values[i]);
        }
        return bytes;
    }

    /** A rough heap size of a value, nested values included. */
    private static long heap(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof String s) {
            return 40 + 2L * s.length();
        }
        if (v instanceof byte[] b) {
            return 16 + b.length;
        }
        if (v instanceof BigDecimal) {
            return 64;
        }
        if (v instanceof java.util.List<?> list) {
            long bytes = 40 + 8L * list.size();
            for (Object e : list) {
                bytes += heap(e);
            }
            return bytes;
        }
        if (v instanceof Map<?, ?> map) {
            long bytes = 48 + 40L * map.size();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                bytes += heap(e.getKey()) + heap(e.getValue());
            }
            return bytes;
        }
        return 24;
    }

    private static long encoded(Object[] values, int count) {
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            bytes += encoded(values[i]);
        }
        return bytes;
    }

    /** A rough encoded size of a value (a tag and its bytes), nested values included. */
    private static long encoded(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof String s) {
            // UTF-8: one to three bytes a char
            long bytes = 4;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
            return bytes;
        }
        if (v instanceof byte[] b) {
            return 4 + b.length;
        }
        if (v instanceof BigDecimal) {
            return 20;
        }
        if (v instanceof java.util.List<?> list) {
            long bytes = 4;
            for (Object e : list) {
                bytes += encoded(e);
            }
            return bytes;
        }
        if (v instanceof Map<?, ?> map) {
            long bytes = 4;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                bytes += encoded(e.getKey()) + encoded(e.getValue());
            }
            return bytes;
        }
        return 9;
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
