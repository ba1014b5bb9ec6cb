package io.github.mctunnel.emulator.catalog;

import io.github.mctunnel.client.codec.RecordStreamReader;
import io.github.mctunnel.client.schema.Column;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.RandomAccess;

/**
 * The committed rows of one partition as of one moment: an immutable list that decodes rows from
 * their stored encoding as they are read. Row values follow the client codec's Java mapping with
 * STRING as {@code byte[]} at every level; every read returns fresh arrays that callers may keep.
 *
 * <p>Iterating (or {@link #iterator(long)}) decodes sequentially; {@link #get} decodes the chunk
 * holding the row and keeps the last decoded chunk, so ascending {@code get} loops stay linear.
 */
public final class CommittedRows extends AbstractList<Object[]> implements RandomAccess {

    private final List<Column> columns;
    private final ChunkedRows data;

    /** The last chunk {@link #get} decoded. */
    private volatile DecodedChunk lastDecoded;

    private record DecodedChunk(int index, long start, Object[][] rows) {}

    CommittedRows(List<Column> storageColumns, ChunkedRows data) {
        this.columns = storageColumns;
        this.data = data;
    }

    /** Number of rows, as a long. */
    public long rowCount() {
        return data.rowCount();
    }

    /** Bytes the rows take in their stored encoding. */
    public long encodedBytes() {
        return data.encodedBytes();
    }

    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, data.rowCount());
    }

    @Override
    public Object[] get(int index) {
        if (index < 0 || index >= data.rowCount()) {
            throw new IndexOutOfBoundsException(
                    "row " + index + " of a partition with " + data.rowCount() + " rows");
        }
        DecodedChunk d = lastDecoded;
        if (d == null || index < d.start() || index >= d.start() + d.rows().length) {
            int chunk = data.chunkOf(index);
            d = new DecodedChunk(chunk, data.start(chunk), decodeChunk(chunk));
            lastDecoded = d;
        }
        return d.rows()[(int) (index - d.start())].clone();
    }

    @Override
    public Iterator<Object[]> iterator() {
        return iterator(0);
    }

    /**
     * Decodes the rows from {@code fromRow} to the end, in order; each returned array is fresh.
     *
     * @throws IndexOutOfBoundsException if {@code fromRow} is negative or past the end
     */
    public Iterator<Object[]> iterator(long fromRow) {
        if (fromRow < 0 || fromRow > data.rowCount()) {
            throw new IndexOutOfBoundsException(
                    "row " + fromRow + " of a partition with " + data.rowCount() + " rows");
        }
        return new RowIterator(fromRow);
    }

    private Object[][] decodeChunk(int chunk) {
        RowChunk c = data.chunk(chunk);
        Object[][] rows = new Object[c.rowCount()][];
        RecordStreamReader reader =
                new RecordStreamReader(columns, new ChunkStream(chunk, chunk + 1), true, false);
        for (int i = 0; i < rows.length; i++) {
            rows[i] = read(reader);
        }
        return rows;
    }

    private static Object[] read(RecordStreamReader reader) {
        try {
            Object[] row = reader.read();
            if (row == null) {
                throw new IllegalStateException("stored rows end early");
            }
            return row;
        } catch (IOException e) {
            throw new UncheckedIOException("stored rows cannot be decoded", e);
        }
    }

    /** Sequential decoding over the chunks from the one holding the first row wanted. */
    private final class RowIterator implements Iterator<Object[]> {
        private long next;
        private RecordStreamReader reader;

        RowIterator(long fromRow) {
            this.next = fromRow;
        }

        @Override
        public boolean hasNext() {
            return next < data.rowCount();
        }

        @Override
        public Object[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            if (reader == null) {
                int chunk = data.chunkOf(next);
                reader =
                        new RecordStreamReader(
                                columns, new ChunkStream(chunk, data.chunkCount()), true, false);
                for (long skip = next - data.start(chunk); skip > 0; skip--) {
                    read(reader);
                }
            }
            next++;
            return read(reader);
        }
    }

    /** The bytes of chunks [from, to) as one stream, without copying them. */
    private final class ChunkStream extends InputStream {
        private int chunk;
        private final int end;
        private byte[] bytes;
        private int pos;

        ChunkStream(int from, int to) {
            this.chunk = from;
            this.end = to;
            this.bytes = from < to ? data.chunk(from).encoded() : new byte[0];
        }

        private boolean advance() {
            while (pos >= bytes.length) {
                if (chunk + 1 >= end) {
                    return false;
                }
                chunk++;
                bytes = data.chunk(chunk).encoded();
                pos = 0;
            }
            return true;
        }

        @Override
        public int read() {
            if (!advance()) {
                return -1;
            }
            return bytes[pos++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!advance()) {
                return -1;
            }
            int n = Math.min(len, bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    ChunkedRows data() {
        return data;
    }
}
