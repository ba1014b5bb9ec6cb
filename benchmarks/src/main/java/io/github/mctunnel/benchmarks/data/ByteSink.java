package io.github.mctunnel.benchmarks.data;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A growable in-memory output stream whose buffer is reused after {@link #reset()}, so a benchmark
 * loop does not allocate once the buffer has grown to its working size. {@link #close()} does
 * nothing.
 */
public final class ByteSink extends OutputStream {

    private byte[] buf;
    private int size;

    public ByteSink(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    private void ensure(int more) {
        if (buf.length - size < more) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    public void reset() {
        size = 0;
    }

    public int size() {
        return size;
    }

    /** The internal buffer; bytes {@code [0, size())} are the content. */
    public byte[] buffer() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    @Override
    public void close() {}
}
