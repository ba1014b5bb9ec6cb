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
 * An upsert session: staged upserts and deletes by primary key (the last operation on a key wins),
 * applied atomically at commit.
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

    /** A staged operation: the full row and whether it deletes. */
    private record Change(Object[] row, boolean delete) {}

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
     */
    synchronized boolean stage(List<Object[]> rows, boolean[] deletes) {
        if (status != Status.NORMAL) {
            return false;
        }
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i);
            List<Object> key = key(row);
            staged.remove(key);
            staged.put(key, new Change(row, deletes[i]));
        }
        return true;
    }

    /**
     * Applies the staged changes atomically and marks the session committed.
     *
     * @return the number of keys changed
     */
    synchronized long commit() {
        List<Object[]> upserts = new ArrayList<>();
        List<Object[]> deletes = new ArrayList<>();
        for (Change c : staged.values()) {
            (c.delete() ? deletes : upserts).add(c.row());
        }
        table().applyUpserts(partition(), upserts, deletes);
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
