package io.github.mctunnel.client.compress;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.xerial.snappy.SnappyFramedInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * Whole-body compression of Tunnel requests and responses (protocol fact sheet §10.7): the
 * compressed stream wraps the entire record stream, trailer included, and the HTTP {@code
 * Content-Encoding} (uploads) or {@code Accept-Encoding} (downloads) header names it.
 */
public enum Compression {
    RAW(null),
    /** zlib stream (RFC 1950), level 1 like the SDK's default; Content-Encoding "deflate". */
    DEFLATE("deflate"),
    /** Snappy framing format; Content-Encoding "x-snappy-framed". */
    SNAPPY("x-snappy-framed"),
    /** LZ4 frame format; Content-Encoding "x-lz4-frame". */
    LZ4("x-lz4-frame"),
    /** Zstandard frame (SDK 0.57+); Content-Encoding "zstd". */
    ZSTD("zstd");

    /**
     * The default, {@link #LZ4}: the fastest codec the SDK reads, written with the SDK's own frame
     * options. Measured with the JMH {@code CompressionBenchmark} of the benchmarks module (12.9 MB
     * stream of encoded event records, one core; figures in docs/benchmarks.md): LZ4 compresses at
     * about 1,040 MB/s (ratio 2.51), Snappy 920 MB/s (2.46), ZSTD 340 MB/s (3.44), DEFLATE level 1
     * 140 MB/s (3.24). Choose ZSTD when the network, not the CPU, is the limit.
     */
    public static final Compression DEFAULT = LZ4;

    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int DEFLATE_LEVEL = 1;

    private final String contentEncoding;

    Compression(String contentEncoding) {
        this.contentEncoding = contentEncoding;
    }

    /** The HTTP Content-Encoding value, or null for {@link #RAW}. */
    public String contentEncoding() {
        return contentEncoding;
    }

    /**
     * The compression named by a Content-Encoding header value (case-insensitive); null or empty is
     * {@link #RAW}.
     *
     * @throws IllegalArgumentException for any other value, listing the valid ones
     */
    public static Compression fromContentEncoding(String value) {
        if (value == null || value.isBlank()) {
            return RAW;
        }
        String v = value.trim();
        for (Compression c : values()) {
            if (c.contentEncoding != null && c.contentEncoding.equalsIgnoreCase(v)) {
                return c;
            }
        }
        throw new IllegalArgumentException(
                "Unsupported Content-Encoding '"
                        + value
                        + "'; valid values: "
                        + Arrays.stream(values())
                                .filter(c -> c.contentEncoding != null)
                                .map(c -> c.contentEncoding)
                                .collect(Collectors.joining(", "))
                        + " (or none for raw)");
    }

    /**
     * The compression with this name, case-insensitive: raw, deflate, snappy, lz4, zstd.
     *
     * @throws IllegalArgumentException for any other name, listing the valid ones
     */
    public static Compression fromName(String name) {
        if (name != null) {
            for (Compression c : values()) {
                if (c.name().equalsIgnoreCase(name.trim())) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException(
                "Unknown compression '"
                        + name
                        + "'; valid values: "
                        + Arrays.stream(values())
                                .map(c -> c.name().toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(", ")));
    }

    /**
     * Wraps {@code out}; closing the returned stream finishes the compressed frame and closes
     * {@code out}. For {@link #RAW} this is {@code out} itself.
     */
    public OutputStream compress(OutputStream out) throws IOException {
        return switch (this) {
            case RAW -> out;
            case DEFLATE -> new ZlibOutputStream(out);
            case SNAPPY -> new SnappyFramedOutputStream(out);
            case LZ4 -> new LZ4FrameOutputStream(out);
            case ZSTD -> new ZstdOutputStreamNoFinalizer(out);
        };
    }

    /** Wraps {@code in}; closing the returned stream closes {@code in}. */
    public InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case RAW -> in;
            case DEFLATE -> new InflaterInputStream(in);
            case SNAPPY -> new SnappyFramedInputStream(in);
            case LZ4 -> new LZ4FrameInputStream(in);
            case ZSTD -> new ZstdInputStreamNoFinalizer(in);
        };
    }

    /** zlib at level 1 with a 64 KiB buffer that releases its native Deflater on close. */
    private static final class ZlibOutputStream extends DeflaterOutputStream {
        private boolean closed;

        ZlibOutputStream(OutputStream out) {
            super(out, new Deflater(DEFLATE_LEVEL), BUFFER_SIZE);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                super.close();
            } finally {
                def.end();
            }
        }
    }
}
