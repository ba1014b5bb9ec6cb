package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.types.RowKind;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deterministic changelog over overlapping keys: event {@code i} touches key {@code (i * 31) %
 * keys} with a change kind derived from {@code i}; the upserted row is {@code (key, "name-<i>",
 * i)}. Serializes by column name, so it serves both the router (key columns) and the writer.
 */
final class ChangelogEvents extends ObjectArrayUpsertRecordSerializer<Long> {

    private static final long serialVersionUID = 1L;

    private final int keys;
    private transient int idIndex;
    private transient int nameIndex;
    private transient int vIndex;
    private transient int dsIndex;

    ChangelogEvents(int keys) {
        this.keys = keys;
    }

    long keyOf(long i) {
        return (i * 31) % keys;
    }

    @Override
    public RowKind kind(Long i) {
        return kindOf(i);
    }

    static RowKind kindOf(long i) {
        if (i % 7 == 3) {
            return RowKind.DELETE;
        }
        if (i % 11 == 5) {
            return RowKind.UPDATE_BEFORE;
        }
        return i % 2 == 0 ? RowKind.INSERT : RowKind.UPDATE_AFTER;
    }

    @Override
    public void open(TableSchema columns) {
        idIndex = columns.indexOf("id");
        nameIndex = columns.indexOf("name");
        vIndex = columns.indexOf("v");
        dsIndex = columns.indexOf("ds");
    }

    /**
     * The partition value of a key for a table partitioned by {@code ds}: {@code p0} or {@code p1}.
     */
    static String partitionOf(long key) {
        return "p" + (key % 2);
    }

    @Override
    public Object[] serialize(Long i, Object[] reuse) {
        boolean before = kindOf(i) == RowKind.UPDATE_BEFORE;
        reuse[idIndex] = keyOf(i);
        if (nameIndex >= 0) {
            reuse[nameIndex] = before ? "stale" : "name-" + i;
        }
        if (vIndex >= 0) {
            reuse[vIndex] = before ? -1L : i;
        }
        if (dsIndex >= 0) {
            reuse[dsIndex] = partitionOf(keyOf(i));
        }
        return reuse;
    }

    /** The table after applying events {@code 1..count} once: key -> [name, v]. */
    Map<Long, List<Object>> applied(long count) {
        Map<Long, List<Object>> table = new HashMap<>();
        for (long i = 1; i <= count; i++) {
            switch (kindOf(i)) {
                case INSERT, UPDATE_AFTER -> table.put(keyOf(i), List.of("name-" + i, i));
                case DELETE -> table.remove(keyOf(i));
                default -> {}
            }
        }
        return table;
    }

    /** Committed rows {@code (id, name, v)} as key -> [name, v]. */
    static Map<Long, List<Object>> asMap(List<Object[]> rows) {
        Map<Long, List<Object>> table = new HashMap<>();
        for (Object[] r : rows) {
            Object name =
                    r[1] instanceof byte[] bytes
                            ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                            : r[1];
            Object previous = table.put((Long) r[0], List.of(name, r[2]));
            if (previous != null) {
                throw new AssertionError("key " + r[0] + " is in the table twice");
            }
        }
        return table;
    }
}
