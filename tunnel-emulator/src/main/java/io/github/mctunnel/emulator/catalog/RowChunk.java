package io.github.mctunnel.emulator.catalog;

import java.io.Serializable;

/**
 * A run of committed rows in the Tunnel record-stream encoding (uncompressed, without the trailer),
 * the form in which the catalog keeps and logs table data. Because chunks carry no trailer, the
 * bytes of consecutive chunks concatenated are again a valid record stream. Immutable.
 */
public final class RowChunk implements Serializable {

    private static final long serialVersionUID = 1L;

    private final byte[] encoded;
    private final int rowCount;

    RowChunk(byte[] encoded, int rowCount) {
        this.encoded = encoded;
        this.rowCount = rowCount;
    }

    /** Number of rows in this chunk. */
    public int rowCount() {
        return rowCount;
    }

    /** Size of the encoded rows in bytes. */
    public int encodedSize() {
        return encoded.length;
    }

    /** The encoded rows; callers must not modify the array. */
    byte[] encoded() {
        return encoded;
    }

    /** The rows of this chunk followed by those of {@code next}, as one chunk. */
    RowChunk concat(RowChunk next) {
        byte[] both = new byte[encoded.length + next.encoded.length];
        System.arraycopy(encoded, 0, both, 0, encoded.length);
        System.arraycopy(next.encoded, 0, both, encoded.length, next.encoded.length);
        return new RowChunk(both, rowCount + next.rowCount);
    }

    @Override
    public String toString() {
        return "RowChunk{" + rowCount + " rows, " + encoded.length + " bytes}";
    }
}
