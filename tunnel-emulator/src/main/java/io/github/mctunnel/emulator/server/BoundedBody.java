package io.github.mctunnel.emulator.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that refuses to deliver more than a limit: reading past it throws 413 {@code
 * MaxMessageLengthExceeded} (a {@link ServiceException}, so it passes unchanged through the
 * decompressing and decoding streams above it).
 */
public final class BoundedBody extends FilterInputStream {

    private final long limit;
    private final String what;
    private long count;

    /**
     * @param what what is counted, for the message ("request body", "decompressed record stream")
     */
    public BoundedBody(InputStream in, long limit, String what) {
        super(in);
        this.limit = limit;
        this.what = what;
    }

    /** The 413 answered when a body of {@code what} exceeds {@code limit} bytes. */
    public static ServiceException tooLarge(String what, long limit) {
        return new ServiceException(
                413,
                "MaxMessageLengthExceeded",
                "The " + what + " exceeds the emulator's limit of " + limit + " bytes");
    }

    /** Bytes delivered so far. */
    public long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(n);
        if (s > 0) {
            add(s);
        }
        return s;
    }

    private void add(long n) {
        count += n;
        if (count > limit) {
            throw tooLarge(what, limit);
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
