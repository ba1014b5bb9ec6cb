package io.github.mctunnel.emulator.catalog;

import java.util.Arrays;
import java.util.List;

/**
 * The committed rows of one partition as an immutable sequence of {@link RowChunk}s with the index
 * of each chunk's first row. Appending shares the chunk array with earlier versions (they only see
 * their own prefix), and small chunks are merged into the last one, so frequent small commits
 * neither copy the partition nor leave many tiny chunks.
 */
final class ChunkedRows {

    static final ChunkedRows EMPTY = new ChunkedRows(null, null, null, 0, null, 0);

    /** Who may append in place to the shared arrays: the version that sealed the last chunk. */
    private static final class Owner {
        int sealed;
    }

    private final Owner owner;
    private final RowChunk[] chunks;
    private final long[] starts;

    /** Chunks of {@link #chunks} this version sees. */
    private final int sealed;

    /** The last chunk, still open for merging, or null. */
    private final RowChunk tail;

    private final long rowCount;

    private ChunkedRows(
            Owner owner,
            RowChunk[] chunks,
            long[] starts,
            int sealed,
            RowChunk tail,
            long rowCount) {
        this.owner = owner;
        this.chunks = chunks;
        this.starts = starts;
        this.sealed = sealed;
        this.tail = tail;
        this.rowCount = rowCount;
    }

    long rowCount() {
        return rowCount;
    }

    int chunkCount() {
        return sealed + (tail == null ? 0 : 1);
    }

    RowChunk chunk(int i) {
        return i < sealed ? chunks[i] : tail;
    }

    /** Index of the first row of chunk {@code i}. */
    long start(int i) {
        return i < sealed ? starts[i] : rowCount - tail.rowCount();
    }

    /** The chunk holding row {@code row} (0 &lt;= row &lt; rowCount). */
    int chunkOf(long row) {
        if (tail != null && row >= rowCount - tail.rowCount()) {
            return sealed;
        }
        int i = Arrays.binarySearch(starts, 0, sealed, row);
        if (i >= 0) {
            // Empty chunks never exist, so a start is unique.
            return i;
        }
        return -i - 2;
    }

    /** Total encoded bytes (for diagnostics). */
    long encodedBytes() {
        long n = 0;
        for (int i = 0; i < chunkCount(); i++) {
            n += chunk(i).encodedSize();
        }
        return n;
    }

    /** This version followed by {@code more}; call under the catalog mutex. */
    ChunkedRows append(List<RowChunk> more) {
        Owner o = owner;
        RowChunk[] cs = chunks;
        long[] ss = starts;
        int n = sealed;
        RowChunk t = tail;
        long rows = rowCount;
        for (RowChunk c : more) {
            if (c.rowCount() == 0) {
                continue;
            }
            if (t != null
                    && t.encodedSize() + (long) c.encodedSize()
                            <= RowChunkEncoder.TARGET_CHUNK_BYTES) {
                t = t.concat(c);
            } else {
                if (t != null) {
                    if (o == null || o.sealed != n || n == cs.length) {
                        // Slots past n may be used by another version: never write there.
                        int capacity = Math.max(8, n * 2);
                        cs = cs == null ? new RowChunk[capacity] : Arrays.copyOf(cs, capacity);
                        ss = ss == null ? new long[capacity] : Arrays.copyOf(ss, capacity);
                        Arrays.fill(cs, n, capacity, null);
                        o = new Owner();
                    }
                    cs[n] = t;
                    ss[n] = rows - t.rowCount();
                    n++;
                    o.sealed = n;
                }
                t = c;
            }
            rows += c.rowCount();
        }
        return new ChunkedRows(o, cs, ss, n, t, rows);
    }
}
