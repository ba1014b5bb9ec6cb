package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.session.UploadSession;

import org.apache.flink.annotation.Internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The local spill buffer of one partition in one writer: records are encoded and compressed as they
 * arrive into a reused byte buffer, which is written as one block (a short burst, never a request
 * held open while rows trickle in) at the checkpoint.
 */
@Internal
final class PartitionBlockBuffer {

    private final List<Column> columns;
    private final int maxFieldSize;
    private final Compression compression;
    private final Bytes buffer = new Bytes();
    private OutputStream compressed;
    private RecordStreamWriter writer;

    /** Buffer whose array is sent without a copy. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(64 * 1024);
        }

        byte[] array() {
            return buf;
        }
    }

    PartitionBlockBuffer(List<Column> columns, int maxFieldSize, Compression compression)
            throws IOException {
        this.columns = columns;
        this.maxFieldSize = maxFieldSize;
        this.compression = compression;
        reset();
    }

    private void reset() throws IOException {
        buffer.reset();
        compressed = compression.compress(buffer);
        if (writer == null) {
            writer = new RecordStreamWriter(columns, compressed, maxFieldSize);
        } else {
            // keeps the encoder's buffers: a block allocates no new ones
            writer.restart(compressed);
        }
    }

    /** Encodes the data column fields of {@code record}; a refused record is not added. */
    void append(StagedRecord record) throws IOException {
        record.writeTo(writer, columns.size());
    }

    long records() {
        return writer.recordCount();
    }

    /** Compressed bytes so far (the encoder's pending output is not counted). */
    long bytes() {
        return buffer.size();
    }

    /**
     * Writes the buffered records as block {@code blockId} of {@code session} (retried by the
     * client's policy, the bytes being held here) and empties the buffer.
     *
     * @return the number of records written
     */
    long writeTo(UploadSession session, long blockId) throws IOException {
        long records = writer.recordCount();
        writer.finish();
        compressed.close();
        session.writeBlock(
                blockId, compression.contentEncoding(), buffer.array(), 0, buffer.size());
        reset();
        return records;
    }

    /** Drops the buffered records and frees the compressor; the buffer is not used again. */
    void release() throws IOException {
        try {
            compressed.close();
        } finally {
            buffer.reset();
        }
    }
}
