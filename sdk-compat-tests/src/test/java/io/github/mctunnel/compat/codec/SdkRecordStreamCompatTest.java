package io.github.mctunnel.compat.codec;

import io.github.mctunnel.client.codec.RecordStreamReader;
import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;

import com.aliyun.odps.TableSchema;
import com.aliyun.odps.commons.proto.ProtobufRecordStreamReader;
import com.aliyun.odps.commons.proto.ProtobufRecordStreamWriter;
import com.aliyun.odps.data.ArrayRecord;
import com.aliyun.odps.data.Record;
import com.aliyun.odps.tunnel.io.CompressOption;
import com.aliyun.odps.tunnel.io.CompressOption.CompressAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official SDK's protobuf record stream reader and writer as the oracle for our codec: 10,000
 * random records over every type, raw and with each compression, in both directions.
 */
class SdkRecordStreamCompatTest {

    private static final int RECORDS = 10_000;
    private static final List<Column> COLUMNS = RandomRecords.EVERY_TYPE;

    private static TimeZone savedZone;

    /**
     * DATETIME is epoch milliseconds on the wire, but the SDK converts it from and to a zoned time
     * in the JVM's default zone; a zone far from UTC with historical offsets proves that the
     * instant survives.
     */
    @BeforeAll
    static void useNonUtcZone() {
        savedZone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("America/Los_Angeles"));
    }

    @AfterAll
    static void restoreZone() {
        TimeZone.setDefault(savedZone);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void sdkReadsWhatWeWrite(Compression compression) throws IOException {
        List<Object[]> rows =
                new RandomRecords(20240101L + compression.ordinal()).records(COLUMNS, RECORDS);

        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = compression.compress(sink)) {
            RecordStreamWriter w = new RecordStreamWriter(COLUMNS, out);
            for (Object[] row : rows) {
                w.write(row);
            }
            w.finish();
            assertThat(w.recordCount()).isEqualTo(RECORDS);
        }

        TableSchema schema = SdkValues.sdkSchema(COLUMNS);
        ProtobufRecordStreamReader reader =
                new ProtobufRecordStreamReader(
                        schema,
                        new ByteArrayInputStream(sink.toByteArray()),
                        sdkOption(compression));
        List<Object[]> read = new ArrayList<>();
        Record r;
        while ((r = reader.read()) != null) {
            Object[] values = new Object[COLUMNS.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = SdkValues.fromSdk(COLUMNS.get(i).type(), r.get(i));
            }
            read.add(values);
        }
        reader.close();

        assertSameRows(read, rows);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void weReadWhatSdkWrites(Compression compression) throws IOException {
        List<Object[]> rows =
                new RandomRecords(19700101L + compression.ordinal()).records(COLUMNS, RECORDS);
        byte[] body = sdkWrite(rows, compression);

        List<Object[]> read = new ArrayList<>();
        try (InputStream in = compression.decompress(new ByteArrayInputStream(body))) {
            RecordStreamReader reader = new RecordStreamReader(COLUMNS, in, false, true);
            Object[] row;
            while ((row = reader.read()) != null) {
                read.add(row);
            }
            assertThat(reader.recordsRead()).isEqualTo(RECORDS);
        }
        assertSameRows(read, rows);
    }

    /**
     * Without maps (the SDK's record class copies them into a HashMap, changing entry order) our
     * bytes equal the SDK's.
     */
    @Test
    void ourBytesEqualSdkBytesWithoutMaps() throws IOException {
        List<Column> columns =
                COLUMNS.stream().filter(c -> !c.type().toString().contains("map<")).toList();
        List<Object[]> rows = new RandomRecords(42L).records(columns, RECORDS);

        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(columns, ours);
        for (Object[] row : rows) {
            w.write(row);
        }
        w.finish();

        TableSchema schema = SdkValues.sdkSchema(columns);
        ByteArrayOutputStream sdk = new ByteArrayOutputStream();
        ProtobufRecordStreamWriter sw =
                new ProtobufRecordStreamWriter(schema, sdk, sdkOption(Compression.RAW));
        for (Object[] row : rows) {
            sw.write(sdkRecord(schema, columns, row));
        }
        sw.close();

        byte[] a = ours.toByteArray();
        byte[] b = sdk.toByteArray();
        int diff = 0;
        while (diff < Math.min(a.length, b.length) && a[diff] == b[diff]) {
            diff++;
        }
        int from = Math.max(0, diff - 24);
        assertThat(HexFormat.of().formatHex(a, from, Math.min(a.length, diff + 24)))
                .as("our bytes around offset %d (of %d; SDK %d)", diff, a.length, b.length)
                .isEqualTo(HexFormat.of().formatHex(b, from, Math.min(b.length, diff + 24)));
        assertThat(a).isEqualTo(b);
    }

    private static byte[] sdkWrite(List<Object[]> rows, Compression compression)
            throws IOException {
        TableSchema schema = SdkValues.sdkSchema(COLUMNS);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ProtobufRecordStreamWriter w =
                new ProtobufRecordStreamWriter(schema, sink, sdkOption(compression));
        for (Object[] row : rows) {
            w.write(sdkRecord(schema, COLUMNS, row));
        }
        w.close();
        return sink.toByteArray();
    }

    private static Record sdkRecord(TableSchema schema, List<Column> columns, Object[] row) {
        com.aliyun.odps.Column[] sdkColumns =
                schema.getColumns().toArray(new com.aliyun.odps.Column[0]);
        ArrayRecord record = new ArrayRecord(sdkColumns);
        for (int i = 0; i < row.length; i++) {
            record.set(
                    i, SdkValues.toSdk(columns.get(i).type(), sdkColumns[i].getTypeInfo(), row[i]));
        }
        return record;
    }

    private static CompressOption sdkOption(Compression c) {
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

    private static void assertSameRows(List<Object[]> actual, List<Object[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            for (int c = 0; c < COLUMNS.size(); c++) {
                assertThat(SdkValues.comparable(actual.get(i)[c]))
                        .as("record %d column %s", i + 1, COLUMNS.get(c).name())
                        .isEqualTo(SdkValues.comparable(expected.get(i)[c]));
            }
        }
    }
}
