package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.catalog.TableState;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * An upsert session: staged upserts and deletes by primary key (the last operation on a key wins; a
 * partial-column update on top of a staged upsert or delete of its key is merged into it), applied
 * atomically at commit.
 */
final class UpsertSession extends TunnelSession {

    enum Status {
        NORMAL("normal"),
        COMMITTED("committed"),
        ABORTED("aborted");

        final String wire;

        Status(String wire) {
            this.wire = wire;
        }
    }

    /**
     * A staged operation: the row, whether it deletes, and for a partial update the columns it sets
     * (null: all).
     */
    private record Change(Object[] row, boolean delete, boolean[] updated) {}

    private final int slotCount;
    private final int[] keyIndexes;
    private final LinkedHashMap<List<Object>, Change> staged = new LinkedHashMap<>();
    private Status status = Status.NORMAL;

    UpsertSession(
            String id,
            TableState table,
            PartitionSpec partition,
            int slotCount,
            int[] keyIndexes,
            Instant created,
            Instant expiresAt) {
        super(id, table, partition, created, expiresAt);
        this.slotCount = slotCount;
        this.keyIndexes = keyIndexes;
    }

    int slotCount() {
        return slotCount;
    }

    synchronized Status status() {
        return status;
    }

    /**
     * Stages changes in order; false when the session is no longer open.
     *
     * @param rows data-column values
     * @param deletes whether each row deletes
     * @param updated per row, the columns a partial update sets, or null (all columns); null when
     *     no row is partial
     */
    synchronized boolean stage(List<Object[]> rows, boolean[] deletes, List<boolean[]> updated) {
        if (status != Status.NORMAL) {
            return false;
        }
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i);
            List<Object> key = key(row);
            boolean[] columns = updated == null || deletes[i] ? null : updated.get(i);
            Change previous = staged.remove(key);
            Change change = new Change(row, deletes[i], columns);
            if (columns != null && previous != null) {
                change = merge(previous, row, columns);
            }
            staged.put(key, change);
        }
        return true;
    }

    /** A partial update staged on top of an earlier change of its key. */
    private Change merge(Object[] base, Object[] row, boolean[] columns, boolean[] baseColumns) {
        Object[] merged = base.clone();
        boolean[] union = baseColumns == null ? null : baseColumns.clone();
        for (int c = 0; c < row.length; c++) {
            if (columns[c] || isKey(c)) {
                merged[c] = row[c];
                if (union != null) {
                    union[c] = true;
                }
            }
        }
        return new Change(merged, false, union);
    }

    private Change merge(Change previous, Object[] row, boolean[] columns) {
        if (previous.delete()) {
            // the key is gone: the update inserts a row with only its columns set
            Object[] fresh = new Object[row.length];
            return merge(fresh, row, columns, null);
        }
        return merge(previous.row(), row, columns, previous.updated());
    }

    private boolean isKey(int column) {
        for (int k : keyIndexes) {
            if (k == column) {
                return true;
            }
        }
        return false;
    }

    /**
     * Applies the staged changes atomically and marks the session committed.
     *
     * @return the number of keys changed
     */
    synchronized long commit() {
        List<Object[]> upserts = new ArrayList<>();
        List<boolean[]> updated = new ArrayList<>();
        boolean partial = false;
        List<Object[]> deletes = new ArrayList<>();
        for (Change c : staged.values()) {
            if (c.delete()) {
                deletes.add(c.row());
            } else {
                upserts.add(c.row());
                updated.add(c.updated());
                partial |= c.updated() != null;
            }
        }
        table().applyUpserts(partition(), upserts, partial ? updated : null, deletes);
        status = Status.COMMITTED;
        staged.clear();
        return upserts.size() + (long) deletes.size();
    }

    synchronized void abort() {
        status = Status.ABORTED;
        staged.clear();
    }

    private List<Object> key(Object[] row) {
        Object[] key = new Object[keyIndexes.length];
        for (int i = 0; i < keyIndexes.length; i++) {
            Object v = row[keyIndexes[i]];
            key[i] = v instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : v;
        }
        return Arrays.asList(key);
    }
}
