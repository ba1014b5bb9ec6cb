package io.github.mctunnel.emulator.limits;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.function.LongSupplier;

/**
 * Paces one data request to a number of bytes per second (the service's per-slot / per-request
 * speed), by pausing the thread whenever the bytes moved so far are ahead of the allowed rate.
 */
public final class BandwidthThrottle {

    /** Pauses the calling thread. */
    @FunctionalInterface
    public interface Pauser {
        void pause(long nanos) throws InterruptedException;
    }

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long bytesPerSecond;
    private final LongSupplier nanoTime;
    private final Pauser pauser;
    private final long start;
    private long bytes;

    /** A throttle on real time. */
    public BandwidthThrottle(long bytesPerSecond) {
        this(
                bytesPerSecond,
                System::nanoTime,
                nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    public BandwidthThrottle(long bytesPerSecond, LongSupplier nanoTime, Pauser pauser) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException(
                    "bytesPerSecond must be positive: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.nanoTime = nanoTime;
        this.pauser = pauser;
        this.start = nanoTime.getAsLong();
    }

    /** Accounts for {@code n} more bytes, pausing until they fit the rate. */
    public void account(long n) throws IOException {
        if (n <= 0) {
            return;
        }
        bytes += n;
        long due = start + (long) ((double) bytes * NANOS_PER_SECOND / bytesPerSecond);
        long wait = due - nanoTime.getAsLong();
        if (wait > 0) {
            try {
                pauser.pause(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while pacing the transfer");
            }
        }
    }

    /** Paces reads from {@code in}. */
    public InputStream wrap(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    account(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                account(n);
                return n;
            }
        };
    }

    /** Paces writes to {@code out}. */
    public OutputStream wrap(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                account(1);
            }

            @Override
            public void write(byte[] buf, int off, int len) throws IOException {
                out.write(buf, off, len);
                account(len);
            }
        };
    }
}
