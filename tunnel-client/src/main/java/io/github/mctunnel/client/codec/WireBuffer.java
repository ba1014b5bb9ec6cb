package io.github.mctunnel.client.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer with the protobuf encodings the record stream uses: varints, ZigZag,
 * little-endian fixed-width values and raw bytes. The writer encodes a whole record here before
 * handing it to the output stream, so a record that fails validation can be dropped with {@link
 * #truncate(int)}.
 */
final class WireBuffer {

    private byte[] buf;
    private int size;

    WireBuffer(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    int size() {
        return size;
    }

    void truncate(int newSize) {
        size = newSize;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, size);
        size = 0;
    }

    private void ensure(int more) {
        int needed = size + more;
        if (needed < 0) {
            throw new IllegalStateException("record larger than 2 GiB");
        }
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
        }
    }

    void writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    /** Unsigned varint of the 32 bits of {@code v} (1 to 5 bytes). */
    void writeVarint32(int v) {
        ensure(5);
        while ((v & ~0x7F) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    /** Unsigned varint of the 64 bits of {@code v} (1 to 10 bytes). */
    void writeVarint64(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    void writeSInt64(long v) {
        writeVarint64((v << 1) ^ (v >> 63));
    }

    void writeSInt32(int v) {
        writeVarint32((v << 1) ^ (v >> 31));
    }

    void writeFixed32(int v) {
        ensure(4);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 24);
    }

    void writeFixed64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) v;
            v >>>= 8;
        }
    }

    void writeBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }
}
