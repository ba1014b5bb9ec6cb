package io.github.mctunnel.client.codec;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Buffered reader of the protobuf encodings the record stream uses. Byte payloads are fed to a
 * {@link RecordChecksum} as they are read. Running out of input inside a value throws {@link
 * EOFException}.
 */
final class WireInput {

    /** Payloads up to this size are allocated at once; larger ones grow as bytes arrive. */
    private static final int DIRECT_ALLOCATION_LIMIT = 1 << 20;

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;

    WireInput(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    private boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            pos = 0;
            limit = 0;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    /** True when no byte is left (reads ahead if needed). */
    boolean isAtEnd() throws IOException {
        return !fill();
    }

    private int readRawByte() throws IOException {
        if (pos == limit && !fill()) {
            throw new EOFException("stream ends inside a value");
        }
        return buf[pos++];
    }

    /** The longest varint: a 64-bit value in 7-bit groups. */
    private static final int MAX_VARINT_BYTES = 10;

    /**
     * A varint, keeping its low 32 bits. Like protobuf, accepts up to 10 bytes (a negative int32
     * written as int64).
     */
    int readVarint32() throws IOException {
        if (limit - pos >= MAX_VARINT_BYTES) {
            // fast path: the whole varint is in the buffer, no refill check per byte
            int p = pos;
            byte[] b = buf;
            int x = b[p++];
            if (x >= 0) {
                pos = p;
                return x;
            }
            int result = x & 0x7F;
            for (int shift = 7; shift < 64; shift += 7) {
                x = b[p++];
                if (shift < 32) {
                    result |= (x & 0x7F) << shift;
                }
                if (x >= 0) {
                    pos = p;
                    return result;
                }
            }
            throw new MalformedVarintException();
        }
        int result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readRawByte();
            if (shift < 32) {
                result |= (b & 0x7F) << shift;
            }
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new MalformedVarintException();
    }

    long readVarint64() throws IOException {
        if (limit - pos >= MAX_VARINT_BYTES) {
            // fast path: the whole varint is in the buffer, no refill check per byte
            int p = pos;
            byte[] b = buf;
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = b[p++];
                result |= (long) (x & 0x7F) << shift;
                if (x >= 0) {
                    pos = p;
                    return result;
                }
            }
            throw new MalformedVarintException();
        }
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readRawByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new MalformedVarintException();
    }

    long readSInt64() throws IOException {
        long v = readVarint64();
        return (v >>> 1) ^ -(v & 1);
    }

    int readSInt32() throws IOException {
        int v = readVarint32();
        return (v >>> 1) ^ -(v & 1);
    }

    int readFixed32() throws IOException {
        if (limit - pos >= 4) {
            int p = pos;
            pos = p + 4;
            return (buf[p] & 0xFF)
                    | (buf[p + 1] & 0xFF) << 8
                    | (buf[p + 2] & 0xFF) << 16
                    | (buf[p + 3] & 0xFF) << 24;
        }
        return (readRawByte() & 0xFF)
                | (readRawByte() & 0xFF) << 8
                | (readRawByte() & 0xFF) << 16
                | (readRawByte() & 0xFF) << 24;
    }

    long readFixed64() throws IOException {
        long lo = readFixed32() & 0xFFFFFFFFL;
        long hi = readFixed32() & 0xFFFFFFFFL;
        return lo | hi << 32;
    }

    /** Reads {@code len} bytes into a new array and feeds them to {@code crc}. */
    byte[] readBytes(int len, RecordChecksum crc) throws IOException {
        byte[] out = new byte[Math.min(len, DIRECT_ALLOCATION_LIMIT)];
        int done = 0;
        while (done < len) {
            if (pos == limit && !fill()) {
                throw new EOFException("stream ends inside a value");
            }
            if (done == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(len, 2L * out.length));
            }
            int n = Math.min(Math.min(limit - pos, len - done), out.length - done);
            System.arraycopy(buf, pos, out, done, n);
            pos += n;
            done += n;
        }
        crc.updateBytes(out, 0, len);
        return out;
    }

    /** Reads exactly {@code len} bytes into {@code dst} at {@code off}. */
    void readFully(byte[] dst, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            if (pos == limit && !fill()) {
                throw new EOFException("stream ends inside a value");
            }
            int n = Math.min(limit - pos, len - done);
            System.arraycopy(buf, pos, dst, off + done, n);
            pos += n;
            done += n;
        }
    }

    /** A varint longer than 10 bytes. */
    static final class MalformedVarintException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedVarintException() {
            super("malformed varint (more than 10 bytes)");
        }
    }
}
