package io.github.mctunnel.benchmarks.codec;

import io.github.mctunnel.benchmarks.data.EventRows;
import io.github.mctunnel.benchmarks.data.RecordStreams;
import io.github.mctunnel.benchmarks.data.Traffic;
import io.github.mctunnel.client.codec.RecordStreamReader;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Record decoding with {@link RecordStreamReader} (every record's CRC-32C, the count and the stream
 * checksum verified) of an encoded stream of {@link EventRows}. {@code stringsAsBytes} is the
 * emulator's setting ({@code byte[]} STRING values), {@code false} what an application reading
 * {@code String}s pays. The primary score is records/s; the secondary "megabytes" is MB/s of
 * encoded input.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(RecordDecodeBenchmark.BATCH)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordDecodeBenchmark {

    /** Records per stream, i.e. per benchmark invocation. */
    static final int BATCH = 4096;

    @Param({"false", "true"})
    public boolean stringsAsBytes;

    private byte[] stream;

    @Setup
    public void setUp() throws IOException {
        stream = RecordStreams.encode(EventRows.generate(BATCH, 42, 1));
    }

    @Benchmark
    public void read(Traffic traffic, Blackhole bh) throws IOException {
        RecordStreamReader reader =
                new RecordStreamReader(
                        EventRows.COLUMNS, new ByteArrayInputStream(stream), stringsAsBytes, true);
        Object[] row;
        while ((row = reader.read()) != null) {
            bh.consume(row);
        }
        if (reader.recordsRead() != BATCH) {
            throw new IllegalStateException("read " + reader.recordsRead() + " records");
        }
        traffic.add(stream.length);
    }
}
