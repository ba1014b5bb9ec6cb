package io.github.mctunnel.benchmarks.codec;

import io.github.mctunnel.client.codec.RecordStreamReader;
import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;

import com.aliyun.odps.TableSchema;
import com.aliyun.odps.commons.proto.ProtobufRecordStreamReader;
import com.aliyun.odps.commons.proto.ProtobufRecordStreamWriter;
import com.aliyun.odps.data.Record;
import com.aliyun.odps.tunnel.io.CompressOption;
import com.aliyun.odps.tunnel.io.CompressOption.CompressAlgorithm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Our record codec against the official SDK's ({@code ProtobufRecordStreamWriter/Reader}) on the
 * same records: encode (one writer per trial, as one lives for a whole block, writing into a
 * discarding stream through the compression) and decode (a whole stream of {@link #BATCH} records
 * per operation, encoded once in setup by each side's own writer). Our encode is the generic {@code
 * write(Object[])}, the path the connector's sinks take. Scores are records/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(CodecComparisonBenchmark.BATCH)
public class CodecComparisonBenchmark {

    /** Records per benchmark invocation. */
    public static final int BATCH = 1024;

    @Param({"NARROW", "WIDE", "NESTED"})
    public CodecSchema schema;

    @Param({"RAW", "LZ4", "ZSTD", "SNAPPY", "DEFLATE"})
    public Compression compression;

    private List<Object[]> rows;
    private List<Record> records;
    private List<Column> columns;
    private TableSchema sdkSchema;
    private RecordStreamWriter ourWriter;
    private OutputStream ourCompressed;
    private ProtobufRecordStreamWriter sdkWriter;
    private byte[] ourStream;
    private byte[] sdkStream;

    @Setup
    public void setUp() throws IOException {
        columns = schema.columns();
        sdkSchema = schema.sdkSchema();
        rows = schema.rows(BATCH, 7);
        records = schema.sdkRecords(rows);
        ourCompressed = compression.compress(OutputStream.nullOutputStream());
        ourWriter = new RecordStreamWriter(columns, ourCompressed);
        sdkWriter =
                new ProtobufRecordStreamWriter(
                        sdkSchema, OutputStream.nullOutputStream(), sdkOption(compression));
        ourStream = ourEncoded(schema, compression, rows);
        ByteArrayOutputStream sdk = new ByteArrayOutputStream();
        ProtobufRecordStreamWriter w =
                new ProtobufRecordStreamWriter(sdkSchema, sdk, sdkOption(compression));
        for (Record r : records) {
            w.write(r);
        }
        w.close();
        sdkStream = sdk.toByteArray();
    }

    @TearDown
    public void tearDown() throws IOException {
        ourWriter.finish();
        ourCompressed.close();
        sdkWriter.close();
    }

    @Benchmark
    public long ourEncode() throws IOException {
        for (int i = 0; i < BATCH; i++) {
            ourWriter.write(rows.get(i));
        }
        return ourWriter.recordCount();
    }

    @Benchmark
    public long sdkEncode() throws IOException {
        for (int i = 0; i < BATCH; i++) {
            sdkWriter.write(records.get(i));
        }
        return sdkWriter.getTotalBytes();
    }

    @Benchmark
    public long ourDecode() throws IOException {
        try (InputStream in = compression.decompress(new ByteArrayInputStream(ourStream))) {
            RecordStreamReader reader = new RecordStreamReader(columns, in, false, true);
            long n = 0;
            while (reader.read() != null) {
                n++;
            }
            return n;
        }
    }

    @Benchmark
    public long sdkDecode() throws IOException {
        ProtobufRecordStreamReader reader =
                new ProtobufRecordStreamReader(
                        sdkSchema, new ByteArrayInputStream(sdkStream), sdkOption(compression));
        long n = 0;
        while (reader.read() != null) {
            n++;
        }
        reader.close();
        return n;
    }

    /** Our uncompressed or compressed record stream of {@code rows}. */
    static byte[] ourEncoded(CodecSchema schema, Compression compression, List<Object[]> rows)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream compressed = compression.compress(out)) {
            RecordStreamWriter w = new RecordStreamWriter(schema.columns(), compressed);
            for (Object[] row : rows) {
                w.write(row);
            }
            w.finish();
        }
        return out.toByteArray();
    }

    static CompressOption sdkOption(Compression c) {
        CompressAlgorithm a =
                switch (c) {
                    case RAW -> CompressAlgorithm.ODPS_RAW;
                    case DEFLATE -> CompressAlgorithm.ODPS_ZLIB;
                    case SNAPPY -> CompressAlgorithm.ODPS_SNAPPY;
                    case LZ4 -> CompressAlgorithm.ODPS_LZ4_FRAME;
                    case ZSTD -> CompressAlgorithm.ODPS_ZSTD;
                };
        return new CompressOption(a, 1, 0);
    }
}
