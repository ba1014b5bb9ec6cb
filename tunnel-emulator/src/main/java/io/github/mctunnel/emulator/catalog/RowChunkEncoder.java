package io.github.mctunnel.emulator.catalog;

import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.schema.Column;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes rows of a table into {@link RowChunk}s of bounded size. Values follow the client codec's
 * Java mapping ({@link io.github.mctunnel.client.codec.RecordStreamReader}); STRING may be {@code
 * String} or {@code byte[]}. NOT NULL is not enforced here (the catalog stores what it is given).
 *
 * <p>Not thread-safe; one encoder per batch of rows.
 */
public final class RowChunkEncoder {

    /** A chunk is cut once it holds this many encoded bytes ... */
    static final int TARGET_CHUNK_BYTES = 256 * 1024;

    /** ... or this many rows. */
    static final int MAX_CHUNK_ROWS = 4096;

    private final List<Column> columns;
    private final ChunkBuffer buffer = new ChunkBuffer();
    private final List<RowChunk> chunks = new ArrayList<>();
    private RecordStreamWriter writer;
    private int rowsInChunk;
    private long rowCount;

    /**
     * @param columns the table's data columns
     */
    public RowChunkEncoder(List<Column> columns) {
        this.columns = storageColumns(columns);
    }

    /** The columns rows are stored with: the table's data columns, all nullable. */
    static List<Column> storageColumns(List<Column> columns) {
        List<Column> out = new ArrayList<>(columns.size());
        for (Column c : columns) {
            out.add(
                    c.nullable()
                            ? c
                            : new Column(c.name(), c.type(), true, c.comment(), c.columnId()));
        }
        return List.copyOf(out);
    }

    /**
     * Encodes one row (one value per data column); the array is not kept.
     *
     * @throws IllegalArgumentException when a value does not fit its column, naming both
     */
    public void add(Object[] row) {
        if (writer == null) {
            writer = new RecordStreamWriter(columns, buffer, Integer.MAX_VALUE);
        }
        try {
            writer.write(row);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rowsInChunk++;
        rowCount++;
        if (rowsInChunk >= MAX_CHUNK_ROWS || buffer.size >= TARGET_CHUNK_BYTES) {
            cut();
        }
    }

    /** Rows added so far. */
    public long rowCount() {
        return rowCount;
    }

    /** The chunks holding every row added, in order; the encoder must not be used afterwards. */
    public List<RowChunk> finish() {
        if (rowsInChunk > 0) {
            cut();
        }
        return chunks;
    }

    private void cut() {
        try {
            writer.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int end = buffer.size - trailerLength(buffer.bytes, buffer.size, rowsInChunk);
        chunks.add(new RowChunk(Arrays.copyOf(buffer.bytes, end), rowsInChunk));
        buffer.size = 0;
        writer = null;
        rowsInChunk = 0;
    }

    /**
     * Length of the trailer the writer put at the end of {@code bytes}: the record-count tag, the
     * zig-zag count, the checksum tag and the checksum, each a varint.
     */
    static int trailerLength(byte[] bytes, int size, long count) {
        int crcLength = 1;
        while (size - crcLength - 1 >= 0 && (bytes[size - crcLength - 1] & 0x80) != 0) {
            crcLength++;
        }
        return crcLength
                + varintLength(META_CHECKSUM_TAG)
                + varintLength((count << 1) ^ (count >> 63))
                + varintLength(META_COUNT_TAG);
    }

    // Field numbers of the record stream trailer (protocol fact sheet §10), wire type varint.
    private static final long META_COUNT_TAG = (33554430L << 3);
    private static final long META_CHECKSUM_TAG = (33554431L << 3);

    private static int varintLength(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    /** A growable byte sink whose array is reused from chunk to chunk. */
    private static final class ChunkBuffer extends OutputStream {
        byte[] bytes = new byte[64 * 1024];
        int size;

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
            }
        }
    }
}
