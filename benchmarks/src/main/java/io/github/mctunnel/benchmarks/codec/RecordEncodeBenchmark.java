package io.github.mctunnel.benchmarks.codec;

import io.github.mctunnel.benchmarks.data.EventRows;
import io.github.mctunnel.benchmarks.data.RecordStreams;
import io.github.mctunnel.benchmarks.data.Traffic;
import io.github.mctunnel.client.codec.RecordStreamWriter;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * Record encoding with {@link RecordStreamWriter}: the generic {@code write(Object[])} against the
 * field-by-field API, over {@link EventRows} (16 mixed columns). One writer lives for the whole
 * trial, as a writer lives for a whole block, and hands its 64 KiB chunks to a stream that discards
 * them. The primary score is records/s; the secondary "megabytes" is encoded MB/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(RecordEncodeBenchmark.BATCH)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordEncodeBenchmark {

    /** Records per benchmark invocation (distinct rows, cycled). */
    static final int BATCH = 4096;

    private EventRows rows;
    private RecordStreamWriter writer;
    private long bytesPerBatch;

    @Setup
    public void setUp() throws IOException {
        rows = EventRows.generate(BATCH, 42, 1);
        writer = new RecordStreamWriter(EventRows.COLUMNS, OutputStream.nullOutputStream());
        // The whole stream of one batch; its trailer (under 20 bytes) is a negligible overcount.
        bytesPerBatch = RecordStreams.encode(rows).length;
    }

    @Benchmark
    public long writeGeneric(Traffic traffic) throws IOException {
        for (int i = 0; i < BATCH; i++) {
            writer.write(rows.row(i));
        }
        traffic.add(bytesPerBatch);
        return writer.recordCount();
    }

    @Benchmark
    public long writeFieldByField(Traffic traffic) throws IOException {
        for (int i = 0; i < BATCH; i++) {
            rows.writeFields(writer, i);
        }
        traffic.add(bytesPerBatch);
        return writer.recordCount();
    }
}
