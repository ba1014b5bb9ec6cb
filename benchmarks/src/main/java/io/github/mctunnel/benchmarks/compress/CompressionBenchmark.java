package io.github.mctunnel.benchmarks.compress;

import io.github.mctunnel.benchmarks.data.ByteSink;
import io.github.mctunnel.benchmarks.data.EventRows;
import io.github.mctunnel.benchmarks.data.RecordStreams;
import io.github.mctunnel.benchmarks.data.Traffic;
import io.github.mctunnel.client.compress.Compression;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Whole-body compression of an encoded record stream (40,000 distinct {@link EventRows}, about 13
 * MB) with each {@link Compression}: one operation compresses or decompresses the whole stream,
 * written and read in 64 KiB chunks as the record writer and reader do. The secondary "megabytes"
 * is MB/s of uncompressed record stream; the compression ratio is printed at setup and by {@link
 * CompressionRatios}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CompressionBenchmark {

    static final int RECORDS = 40_000;
    private static final int CHUNK = 64 * 1024;

    @Param({"RAW", "DEFLATE", "SNAPPY", "LZ4", "ZSTD"})
    public Compression compression;

    private byte[] stream;
    private byte[] compressed;
    private ByteSink sink;
    private byte[] readBuffer;

    @Setup
    public void setUp() throws IOException {
        stream = RecordStreams.encode(EventRows.generate(RECORDS, 7, 1));
        sink = new ByteSink(stream.length + CHUNK);
        readBuffer = new byte[CHUNK];
        compressed = compress().toByteArray();
        System.out.printf(
                Locale.ROOT,
                "%n%s: %,d bytes -> %,d bytes, ratio %.2f%n",
                compression,
                stream.length,
                compressed.length,
                (double) stream.length / compressed.length);
    }

    @Benchmark
    public int compress(Traffic traffic) throws IOException {
        int size = compress().size();
        traffic.add(stream.length);
        return size;
    }

    @Benchmark
    public long decompress(Traffic traffic) throws IOException {
        long total = 0;
        try (InputStream in = compression.decompress(new ByteArrayInputStream(compressed))) {
            int n;
            while ((n = in.read(readBuffer, 0, CHUNK)) > 0) {
                total += n;
            }
        }
        if (total != stream.length) {
            throw new IllegalStateException(
                    compression + " decompressed " + total + " of " + stream.length + " bytes");
        }
        traffic.add(total);
        return total;
    }

    private ByteSink compress() throws IOException {
        sink.reset();
        try (OutputStream out = compression.compress(sink)) {
            for (int off = 0; off < stream.length; off += CHUNK) {
                out.write(stream, off, Math.min(CHUNK, stream.length - off));
            }
        }
        return sink;
    }
}
