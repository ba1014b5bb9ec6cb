package io.github.mctunnel.client.session;

import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;

/**
 * A reusable in-memory record pack for stream and upsert flushes: records are encoded (and
 * compressed) into one growing buffer that is kept across {@link #reset()}s, and the finished pack
 * is sent from that buffer (so a retry re-sends the same bytes). Not thread-safe.
 */
public final class RecordPack {

    private final List<Column> columns;
    private final Compression compression;
    private final int maxFieldSize;
    private final ExposedBuffer buffer = new ExposedBuffer();
    private OutputStream compressed;
    private RecordStreamWriter writer;
    private boolean finished;

    /**
     * @param columns the record layout (session data columns, or {@link
     *     UpsertRecordLayout#columns()})
     * @param maxFieldSize largest STRING/JSON value in bytes
     */
    public RecordPack(List<Column> columns, Compression compression, int maxFieldSize)
            throws IOException {
        this.columns = List.copyOf(columns);
        this.compression = Objects.requireNonNull(compression, "compression");
        this.maxFieldSize = maxFieldSize;
        reset();
    }

    /** Appends one record (values in the column order). */
    public void append(Object[] values) throws IOException {
        if (finished) {
            throw new IllegalStateException("the pack is finished; reset() it first");
        }
        writer.write(values);
    }

    /**
     * Appends one record: the first {@code columns().size()} fields of {@code record}, in the
     * column order. A value that does not fit fails naming the column; the pack keeps only whole
     * records.
     */
    public void append(StagedRecord record) throws IOException {
        if (finished) {
            throw new IllegalStateException("the pack is finished; reset() it first");
        }
        record.writeTo(writer, columns.size());
    }

    /** Records appended since the last reset. */
    public long recordCount() {
        return writer.recordCount();
    }

    /** Bytes buffered so far (compressed size, roughly, before {@link #finish()}). */
    public int bufferedBytes() {
        return buffer.size();
    }

    public Compression compression() {
        return compression;
    }

    /** Writes the trailer and completes the compressed frame; the pack is then ready to send. */
    public void finish() throws IOException {
        if (!finished) {
            writer.finish();
            compressed.close();
            finished = true;
        }
    }

    /** The finished pack's bytes: {@code buffer()[0 .. length())}. */
    public byte[] buffer() {
        return buffer.array();
    }

    public int length() {
        return buffer.size();
    }

    /** Empties the pack, keeping its buffer. */
    public void reset() throws IOException {
        if (compressed != null && !finished) {
            compressed.close();
        }
        buffer.reset();
        compressed = compression.compress(buffer);
        if (writer == null) {
            writer = new RecordStreamWriter(columns, compressed, maxFieldSize);
        } else {
            writer.restart(compressed);
        }
        finished = false;
    }

    private static final class ExposedBuffer extends ByteArrayOutputStream {
        ExposedBuffer() {
            super(64 * 1024);
        }

        byte[] array() {
            return buf;
        }
    }
}
