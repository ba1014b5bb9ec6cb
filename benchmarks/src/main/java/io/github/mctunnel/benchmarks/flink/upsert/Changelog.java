package io.github.mctunnel.benchmarks.flink.upsert;

import io.github.mctunnel.benchmarks.data.EventRows;

import org.apache.flink.types.RowKind;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * The upsert benchmark's changelog over the event rows: {@code keys} keys, each changed {@code
 * changesPerKey} times in every one of {@code windows} flush windows.
 *
 * <p>Change {@code i} (from 0) touches key {@code i % keys} (the {@code event_id}), so every
 * stretch of {@code keys} changes touches every key once and a window of {@code keys *
 * changesPerKey} changes touches each key {@code changesPerKey} times. Its row is event row {@code
 * i % POOL} with {@code event_id} set to the key and {@code user_id} set to {@code i}, so every
 * change's row differs from the key's earlier ones. Its kind: the key's version {@code v = i /
 * keys} is deleted when {@code (v + key) % 16 == 15} (one change in 16), inserted at {@code v = 0}
 * and after a delete, updated ({@code UPDATE_AFTER}) otherwise.
 */
final class Changelog implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Distinct event rows the changes cycle through, as the sink part's rows and encode rate. */
    static final int POOL = 50_000;

    /** The key column, the table's primary key. */
    static final String KEY_COLUMN = "event_id";

    private static final int DELETE_PERIOD = 16;

    final int keys;
    final int changesPerKey;
    final int windows;

    Changelog(int keys, int changesPerKey, int windows) {
        if (keys < 1 || changesPerKey < 1 || windows < 1) {
            throw new IllegalArgumentException(
                    "keys, changes per key and windows must be positive");
        }
        this.keys = keys;
        this.changesPerKey = changesPerKey;
        this.windows = windows;
    }

    /** Changes in one flush window. */
    long windowChanges() {
        return (long) keys * changesPerKey;
    }

    /** Changes in the whole changelog. */
    long changes() {
        return windowChanges() * windows;
    }

    long keyOf(long i) {
        return i % keys;
    }

    /** The event row change {@code i} starts from. */
    static int poolRow(long i) {
        return (int) (i % POOL);
    }

    RowKind kindOf(long i) {
        long key = keyOf(i);
        long version = i / keys;
        if (deleted(version, key)) {
            return RowKind.DELETE;
        }
        return version == 0 || deleted(version - 1, key) ? RowKind.INSERT : RowKind.UPDATE_AFTER;
    }

    private static boolean deleted(long version, long key) {
        return (version + key) % DELETE_PERIOD == DELETE_PERIOD - 1;
    }

    /**
     * The table after applying every change once, in order: key to the index of the change whose
     * row the key holds (keys whose last change is a delete are absent).
     */
    Map<Long, Long> applied() {
        Map<Long, Long> table = new HashMap<>();
        for (long i = 0, n = changes(); i < n; i++) {
            if (kindOf(i) == RowKind.DELETE) {
                table.remove(keyOf(i));
            } else {
                table.put(keyOf(i), i);
            }
        }
        return table;
    }

    /** The values of change {@code i}'s row, in the codec's Java mapping (a new array). */
    Object[] rowOf(EventRows rows, long i) {
        Object[] row = rows.row(poolRow(i)).clone();
        row[0] = keyOf(i);
        row[1] = i;
        return row;
    }
}
