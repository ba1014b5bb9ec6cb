package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.codec.RecordStreamReader;
import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.codec.ValuesRecordView;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TypeInfo;

import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RecordToBinaryRowConverter} gives, byte for byte, the row Flink's own writer ({@code
 * RowDataSerializer.toBinaryRow}, over {@code BinaryRowWriter}) makes of the {@code GenericRowData}
 * that {@link RecordToRowDataConverter} reads from the same record; and the same errors.
 */
class RecordToBinaryRowConverterTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    /** Every column type the binary rows take, with the Flink type each is read as. */
    private static final List<Column> COLUMNS =
            List.of(
                    Column.of("f_bigint", "bigint"),
                    Column.of("f_int", "int"),
                    Column.of("f_smallint", "smallint"),
                    Column.of("f_tinyint", "tinyint"),
                    Column.of("f_boolean", "boolean"),
                    Column.of("f_double", "double"),
                    Column.of("f_float", "float"),
                    Column.of("f_string", "string"),
                    Column.of("f_varchar", "varchar(30)"),
                    Column.of("f_char", "char(30)"),
                    Column.of("f_json", "json"),
                    Column.of("f_binary", "binary"),
                    Column.of("f_date", "date"),
                    Column.of("f_datetime", "datetime"),
                    Column.of("f_datetime9", "datetime"),
                    Column.of("f_datetime_zoned", "datetime"),
                    Column.of("f_timestamp", "timestamp"),
                    Column.of("f_timestamp6", "timestamp"),
                    Column.of("f_timestamp_zoned", "timestamp"),
                    Column.of("f_timestamp_ntz", "timestamp_ntz"),
                    Column.of("f_timestamp_ntz4", "timestamp_ntz"),
                    Column.of("f_decimal", "decimal(18,3)"),
                    Column.of("f_decimal_rescaled", "decimal(10,2)"),
                    Column.of("f_decimal_narrowed", TypeInfo.decimal(38, 4)),
                    Column.of("f_wide_decimal", TypeInfo.decimal(38, 10)),
                    Column.of("f_decimal_widened", "decimal(10,2)"),
                    Column.of("f_interval_dt", "interval_day_time"),
                    Column.of("f_interval_ym", "interval_year_month"));

    private static final String[] FLINK_TYPES = {
        "BIGINT",
        "INT",
        "SMALLINT",
        "TINYINT",
        "BOOLEAN",
        "DOUBLE",
        "FLOAT",
        "STRING",
        "VARCHAR(30)",
        "CHAR(30)",
        "STRING",
        "BYTES",
        "DATE",
        "TIMESTAMP_LTZ(3)",
        "TIMESTAMP_LTZ(9)",
        "TIMESTAMP(3)",
        "TIMESTAMP_LTZ(9)",
        "TIMESTAMP_LTZ(6)",
        "TIMESTAMP(9)",
        "TIMESTAMP(9)",
        "TIMESTAMP(4)",
        "DECIMAL(18, 3)",
        "DECIMAL(13, 5)",
        "DECIMAL(6, 2)",
        "DECIMAL(38, 10)",
        "DECIMAL(20, 4)",
        "INTERVAL DAY(6) TO SECOND(3)",
        "INTERVAL YEAR(4) TO MONTH"
    };

    private static RowType rowType(String... types) {
        List<RowType.RowField> fields = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            LogicalType t =
                    LogicalTypeParser.parse(
                            types[i], RecordToBinaryRowConverterTest.class.getClassLoader());
            fields.add(new RowType.RowField("f" + i, t));
        }
        return new RowType(fields);
    }

    private static final RowType ROW_TYPE = rowType(FLINK_TYPES);

    /** A value for every column (within the narrowed decimal's range). */
    private static Object[] sample(Random random) {
        return new Object[] {
            random.nextLong(),
            random.nextInt(),
            (short) random.nextInt(),
            (byte) random.nextInt(),
            random.nextBoolean(),
            random.nextDouble() * 1e6 - 5e5,
            random.nextFloat() - 0.5f,
            text(random, random.nextInt(20)),
            text(random, random.nextInt(12)),
            text(random, random.nextInt(9)),
            "{\"k\":" + random.nextInt(1000) + "}",
            bytes(random, random.nextInt(random.nextBoolean() ? 9 : 40)),
            LocalDate.ofEpochDay(random.nextInt(200_000) - 100_000),
            Instant.ofEpochMilli(random.nextLong() % 4_000_000_000_000L),
            Instant.ofEpochMilli(random.nextLong() % 4_000_000_000_000L),
            Instant.ofEpochMilli(random.nextLong() % 4_000_000_000_000L),
            instant(random),
            instant(random),
            instant(random),
            LocalDateTime.ofEpochSecond(
                    random.nextInt(2_000_000_000), random.nextInt(1_000_000_000), ZoneOffset.UTC),
            LocalDateTime.ofEpochSecond(
                    -random.nextInt(2_000_000_000), random.nextInt(1_000_000_000), ZoneOffset.UTC),
            BigDecimal.valueOf(random.nextLong() % 1_000_000_000_000_000L, 3),
            BigDecimal.valueOf(random.nextLong() % 10_000_000_000L, 2),
            BigDecimal.valueOf(random.nextLong() % 99_990_000L, 4),
            new BigDecimal(new BigInteger(110, random), 10)
                    .multiply(BigDecimal.valueOf(random.nextInt(3) - 1)),
            BigDecimal.valueOf(random.nextLong() % 10_000_000_000L, 2),
            Duration.ofSeconds(random.nextInt() / 4, random.nextInt(1_000) * 1_000_000L),
            Period.ofMonths(random.nextInt(24_000) - 12_000).normalized()
        };
    }

    private static Instant instant(Random random) {
        return Instant.ofEpochSecond(
                random.nextLong() % 4_000_000_000L, random.nextInt(1_000_000_000));
    }

    /** ASCII, two-, three- and four-byte characters. */
    private static String text(Random random, int codePoints) {
        StringBuilder s = new StringBuilder();
        int[] choices = {'a', 'z', 0xE9, 0x4E2D, 0x1F600};
        for (int i = 0; i < codePoints; i++) {
            s.appendCodePoint(choices[random.nextInt(choices.length)]);
        }
        return s.toString();
    }

    private static byte[] bytes(Random random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    /** The rows encoded and decoded as a download delivers them, one view after the other. */
    private static List<RowData> readEach(
            List<Column> columns, List<Object[]> rows, Function<RecordView, RowData> convert)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(columns, out);
        for (Object[] row : rows) {
            w.write(row);
        }
        w.finish();
        RecordStreamReader reader =
                new RecordStreamReader(
                        columns, new ByteArrayInputStream(out.toByteArray()), false, true);
        List<RowData> result = new ArrayList<>();
        for (RecordView v = reader.next(); v != null; v = reader.next()) {
            result.add(convert.apply(v));
        }
        return result;
    }

    /** The oracle: the generic row as Flink's own writer lays it out. */
    private static BinaryRowData flinkBinary(RowType type, RowData generic) {
        return new RowDataSerializer(type).toBinaryRow(generic).copy();
    }

    private static void assertSameRows(
            List<Column> columns, RowType type, ZoneId zone, List<Object[]> rows)
            throws IOException {
        RecordToRowDataConverter generic = RecordToRowDataConverter.create(columns, type, zone);
        RecordToBinaryRowConverter binary =
                RecordToBinaryRowConverter.createIfSupported(
                        columns, type, IntStream.range(0, columns.size()).toArray(), zone);
        assertThat(binary).isNotNull();
        List<RowData> expected = readEach(columns, rows, generic::convert);
        List<RowData> actual =
                readEach(
                        columns,
                        rows,
                        v -> {
                            binary.read(v);
                            return binary.build(null);
                        });
        assertThat(actual).hasSameSizeAs(rows);
        for (int r = 0; r < rows.size(); r++) {
            RowData a = actual.get(r);
            RowData e = expected.get(r);
            assertThat(a).as("row %s", r).isEqualTo(flinkBinary(type, e));
            assertThat(a.getRowKind()).isEqualTo(e.getRowKind());
            for (int f = 0; f < type.getFieldCount(); f++) {
                RowData.FieldGetter getter = RowData.createFieldGetter(type.getTypeAt(f), f);
                Object value = getter.getFieldOrNull(a);
                Object want = getter.getFieldOrNull(e);
                if (want instanceof byte[] bytes) {
                    assertThat((byte[]) value).as("row %s field %s", r, f).isEqualTo(bytes);
                } else {
                    assertThat(value).as("row %s field %s", r, f).isEqualTo(want);
                }
            }
        }
    }

    @Test
    void everyTypeAsFlinksWriterWritesIt() throws IOException {
        Random random = new Random(18);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            rows.add(sample(random));
        }
        assertSameRows(COLUMNS, ROW_TYPE, SHANGHAI, rows);
    }

    @Test
    void nullsInEveryTypeAndRandomlyMixed() throws IOException {
        Random random = new Random(1818);
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[COLUMNS.size()]);
        for (int i = 0; i < 500; i++) {
            Object[] row = sample(random);
            for (int c = 0; c < row.length; c++) {
                if (random.nextInt(4) == 0) {
                    row[c] = null;
                }
            }
            rows.add(row);
        }
        assertSameRows(COLUMNS, ROW_TYPE, SHANGHAI, rows);
    }

    @Test
    void stringsOfEveryLengthAroundTheInlineLimitAndMalformedOnes() throws IOException {
        List<Column> columns =
                List.of(
                        Column.of("s", "string"),
                        Column.of("b", "binary"),
                        Column.of("v", "varchar(40)"));
        RowType type = rowType("STRING", "VARBINARY(40)", "VARCHAR(40)");
        List<Object[]> rows = new ArrayList<>();
        for (int len = 0; len <= 20; len++) {
            String ascii = "abcdefghijklmnopqrstuvwxyz".substring(0, len);
            rows.add(new Object[] {ascii, ascii.getBytes(StandardCharsets.UTF_8), "é".repeat(len)});
        }
        byte[][] malformed = {
            {(byte) 0xD6, (byte) 0xD0}, // GBK
            {(byte) 0x80},
            {'a', 'b', 'c', (byte) 0xE4, (byte) 0xB8}, // truncated
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
            {'x', 'y', 'z', 'x', 'y', 'z', 'x', 'y', 'z', (byte) 0xFF}
        };
        for (byte[] m : malformed) {
            rows.add(new Object[] {m, m, "ok"});
        }
        // STRING columns take bytes as they are (the writer sends a byte[] unchanged)
        assertSameRows(columns, type, null, rows);
    }

    @Test
    void declinesNestedTypesAndCompactTimestampsWithNanos() {
        int[] one = {0};
        assertThat(
                        RecordToBinaryRowConverter.createIfSupported(
                                List.of(Column.of("a", "array<bigint>")),
                                rowType("ARRAY<BIGINT>"),
                                one,
                                null))
                .isNull();
        assertThat(
                        RecordToBinaryRowConverter.createIfSupported(
                                List.of(Column.of("s", "struct<a:bigint>")),
                                rowType("ROW<a BIGINT>"),
                                one,
                                null))
                .isNull();
        assertThat(
                        RecordToBinaryRowConverter.createIfSupported(
                                List.of(Column.of("t", "timestamp")),
                                rowType("TIMESTAMP_LTZ(3)"),
                                one,
                                null))
                .isNull();
        assertThat(
                        RecordToBinaryRowConverter.createIfSupported(
                                List.of(Column.of("t", "timestamp_ntz")),
                                rowType("TIMESTAMP(0)"),
                                one,
                                null))
                .isNull();
        assertThat(
                        RecordToBinaryRowConverter.createIfSupported(
                                List.of(Column.of("t", "timestamp")),
                                rowType("TIMESTAMP(3)"),
                                one,
                                SHANGHAI))
                .isNull();
        assertThat(
                        RecordToBinaryRowConverter.createIfSupported(
                                List.of(Column.of("t", "datetime")),
                                rowType("TIMESTAMP_LTZ(0)"),
                                one,
                                null))
                .isNotNull();
        // a given field of a type partition values do not have
        assertThat(
                        RecordToBinaryRowConverter.createIfSupported(
                                List.of(Column.of("t", "bigint")),
                                rowType("BIGINT", "DOUBLE"),
                                one,
                                null))
                .isNull();
        assertThatThrownBy(
                        () ->
                                RecordToBinaryRowConverter.createIfSupported(
                                        List.of(Column.of("t", "bigint")),
                                        rowType("STRING"),
                                        one,
                                        null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 't': MaxCompute type bigint cannot be read as Flink type STRING;"
                                + " expected BIGINT");
    }

    @Test
    void givenFieldsBetweenTheColumns() throws IOException {
        List<Column> columns = List.of(Column.of("id", "bigint"), Column.of("name", "string"));
        RowType type =
                rowType(
                        "STRING",
                        "BIGINT",
                        "VARCHAR(20)",
                        "INT",
                        "SMALLINT",
                        "TINYINT",
                        "STRING",
                        "BIGINT");
        int[] positions = {7, 0};
        Object[] given = {
            null,
            2024010108L,
            StringData.fromString("a partition value"),
            -3,
            (short) 4,
            (byte) -5,
            StringData.fromString("ds"),
            null
        };
        Object[] other = given.clone();
        other[2] = StringData.fromString("短");
        other[1] = null; // a NULL given value is a NULL field
        RecordToRowDataConverter generic =
                RecordToRowDataConverter.create(
                        columns,
                        new RowType(List.of(type.getFields().get(7), type.getFields().get(0))));
        RecordToBinaryRowConverter binary =
                RecordToBinaryRowConverter.createIfSupported(columns, type, positions, null);
        List<Object[]> rows =
                List.of(
                        new Object[] {7L, "seven"},
                        new Object[] {null, "a name longer than seven bytes"},
                        new Object[] {8L, null});
        int r = 0;
        for (Object[] values : rows) {
            for (Object[] g : new Object[][] {given, other, given}) {
                binary.read(new ValuesRecordView(values));
                BinaryRowData actual = binary.build(g);
                GenericRowData expected = new GenericRowData(type.getFieldCount());
                for (int f = 0; f < g.length; f++) {
                    expected.setField(f, g[f]);
                }
                generic.convertInto(new ValuesRecordView(values), expected, positions);
                assertThat(actual).as("row %s", r++).isEqualTo(flinkBinary(type, expected));
            }
        }
    }

    @Test
    void errorsAsTheGenericConverterThrowsThem() throws IOException {
        List<Column> columns =
                List.of(
                        Column.of("id", "bigint"),
                        Column.of("d", TypeInfo.decimal(38, 4)),
                        Column.of("name", "string"));
        RowType type = rowType("BIGINT", "DECIMAL(6, 2)", "STRING NOT NULL");
        RecordToRowDataConverter generic = RecordToRowDataConverter.create(columns, type);
        RecordToBinaryRowConverter binary =
                RecordToBinaryRowConverter.createIfSupported(
                        columns, type, new int[] {0, 1, 2}, null);
        Object[][] bad = {
            {1L, new BigDecimal("10000"), "x"},
            {1L, new BigDecimal("9999.995"), "x"},
            {1L, new BigDecimal("1.5"), null},
            // the first failing column wins
            {1L, new BigDecimal("10000"), null}
        };
        for (Object[] values : bad) {
            RecordView view = readView(columns, values);
            Throwable expected = catchThrown(() -> generic.convert(view));
            assertThat(expected).isInstanceOf(ValueConversionException.class);
            assertThatThrownBy(() -> binary.read(readView(columns, values)))
                    .isInstanceOf(ValueConversionException.class)
                    .hasMessage(expected.getMessage());
        }
        // a view of the wrong types fails as on the generic path
        Object[] wrong = {"not a long", new BigDecimal("1"), "x"};
        Throwable expected = catchThrown(() -> generic.convert(new ValuesRecordView(wrong)));
        assertThat(expected).isInstanceOf(ValueConversionException.class);
        assertThatThrownBy(() -> binary.read(new ValuesRecordView(wrong)))
                .isInstanceOf(ValueConversionException.class)
                .hasMessage(expected.getMessage());
    }

    private static RecordView readView(List<Column> columns, Object[] values) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(columns, out);
        w.write(values);
        w.finish();
        return new RecordStreamReader(
                        columns, new ByteArrayInputStream(out.toByteArray()), false, true)
                .next();
    }

    private static Throwable catchThrown(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }
}
