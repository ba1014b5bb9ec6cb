package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.session.UpsertRecordLayout;

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
    private final boolean partial;
    private final Map<Key, Pending> byKey = new LinkedHashMap<>();
    private long estimatedBytes;

    /**
     * @param partial the upserts set only some columns (partial-column updates)
     */
    PendingChanges(UpsertRecordLayout layout, int dataColumns, int[] keyIndexes, boolean partial) {
        this.layout = layout;
        this.dataColumns = dataColumns;
        this.keyIndexes = keyIndexes;
        this.partial = partial;
    }

    /** A change of the key {@code values} holds, {@code values} in table order. */
    void add(Object[] values, byte operation, java.util.List<Long> valueColumnIds) {
        Object[] keyValues = new Object[keyIndexes.length];
        for (int i = 0; i < keyIndexes.length; i++) {
            keyValues[i] = values[keyIndexes[i]];
        }
        Key key = new Key(keyValues);
        Pending p = byKey.get(key);
        if (p == null) {
            p = new Pending(layout.newRow());
            byKey.put(key, p);
            estimatedBytes += RECORD_OVERHEAD + estimate(keyValues);
        } else {
            estimatedBytes -= estimate(p.last, dataColumns);
            if (partial
                    && p.deleteFirst == null
                    && operation == UpsertRecordLayout.OPERATION_UPSERT
                    && p.isDelete()) {
                // delete then upsert: the delete stays in front of the upsert
                p.deleteFirst = p.last;
                p.last = layout.newRow();
                estimatedBytes += RECORD_OVERHEAD;
            }
        }
        layout.fill(p.last, values, operation, valueColumnIds);
        estimatedBytes += estimate(p.last, dataColumns);
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

    private final class Pending {
        Object[] last;
        Object[] deleteFirst;

        Pending(Object[] last) {
            this.last = last;
        }

        boolean isDelete() {
            return last[dataColumns + 2] instanceof Byte b
                    && b == UpsertRecordLayout.OPERATION_DELETE;
        }
    }

    private static long estimate(Object[] values) {
        return estimate(values, values.length);
    }

    private static long estimate(Object[] values, int count) {
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            Object v = values[i];
            if (v == null) {
                continue;
            }
            if (v instanceof String s) {
                bytes += 40 + s.length();
            } else if (v instanceof byte[] b) {
                bytes += 16 + b.length;
            } else if (v instanceof BigDecimal) {
                bytes += 64;
            } else {
                bytes += 24;
            }
        }
        return bytes;
    }

    /** Key values compared by content (byte[] keys too). */
    private static final class Key {
        private final Object[] values;
        private final int hash;

        Key(Object[] values) {
            this.values = values;
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
