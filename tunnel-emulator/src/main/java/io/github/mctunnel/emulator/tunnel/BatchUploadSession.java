package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.catalog.RowChunk;
import io.github.mctunnel.emulator.catalog.TableState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A batch UploadSession: blocks by id (a re-written id replaces the block), invisible until the
 * commit publishes all of them atomically.
 */
final class BatchUploadSession extends TunnelSession {

    /** One uploaded block. */
    record Block(long id, List<RowChunk> chunks, long recordCount, Instant written) {}

    private final boolean overwrite;
    private final TreeMap<Long, Block> blocks = new TreeMap<>();
    private boolean committed;

    BatchUploadSession(
            String id,
            TableState table,
            PartitionSpec partition,
            boolean overwrite,
            Instant created,
            Instant expiresAt) {
        super(id, table, partition, created, expiresAt);
        this.overwrite = overwrite;
    }

    boolean overwrite() {
        return overwrite;
    }

    synchronized boolean committed() {
        return committed;
    }

    synchronized boolean hasBlock(long blockId) {
        return blocks.containsKey(blockId);
    }

    synchronized int blockCount() {
        return blocks.size();
    }

    /** Adds or replaces a block; false when the session was committed meanwhile. */
    synchronized boolean putBlock(Block block) {
        if (committed) {
            return false;
        }
        blocks.put(block.id(), block);
        return true;
    }

    synchronized List<Block> blocks() {
        return new ArrayList<>(blocks.values());
    }

    /**
     * Publishes every block (in block-id order) through the table; runs at most once.
     *
     * @return the number of rows published, or -1 when the session was already committed
     */
    synchronized long commit() {
        if (committed) {
            return -1;
        }
        int chunkCount = 0;
        for (Block b : blocks.values()) {
            chunkCount += b.chunks().size();
        }
        List<RowChunk> chunks = new ArrayList<>(chunkCount);
        long rows = 0;
        for (Block b : blocks.values()) {
            chunks.addAll(b.chunks());
            rows += b.recordCount();
        }
        table().commitEncoded(Map.of(partition(), chunks), overwrite);
        committed = true;
        release();
        return rows;
    }

    /** Lets go of the blocks' rows once committed, keeping what the block list reports. */
    private void release() {
        blocks.replaceAll((id, b) -> new Block(id, List.of(), b.recordCount(), b.written()));
    }
}
