package io.github.mctunnel.client.codec;

import io.github.mctunnel.client.schema.Column;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StagedRecordTest {

    private static final List<Column> ALL =
            List.of(
                    Column.of("b", "boolean"),
                    Column.of("t", "tinyint"),
                    Column.of("s", "smallint"),
                    Column.of("i", "int"),
                    Column.of("l", "bigint"),
                    Column.of("f", "float"),
                    Column.of("d", "double"),
                    Column.of("str", "string"),
                    Column.of("vc", "varchar(5)"),
                    Column.of("ch", "char(3)"),
                    Column.of("j", "json"),
                    Column.of("bin", "binary"),
                    Column.of("dec", "decimal(10,3)"),
                    Column.of("day", "date"),
                    Column.of("dt", "datetime"),
                    Column.of("ts", "timestamp"),
                    Column.of("ntz", "timestamp_ntz"),
                    Column.of("idt", "interval_day_time"),
                    Column.of("iym", "interval_year_month"),
                    Column.of("arr", "array<string>"),
                    Column.of("opt", "string"));

    private static Object[] allValues() {
        return new Object[] {
            true,
            (byte) -7,
            (short) 300,
            -70000,
            1L << 40,
            1.5f,
            -2.25d,
            "héllo".getBytes(StandardCharsets.UTF_8),
            "中文ab",
            "xyz",
            "{\"a\":1}",
            new byte[] {0, 1, -1},
            new BigDecimal("-1234.050"),
            LocalDate.of(2026, 12, 7),
            Instant.ofEpochMilli(1_765_000_000_123L),
            Instant.ofEpochSecond(1_765_000_000L, 123_456_789),
            LocalDateTime.of(2026, 12, 7, 18, 0, 1, 999),
            Duration.ofSeconds(-5, 250),
            Period.of(1, 2, 0),
            Arrays.asList("a", null, "c"),
            null
        };
    }

    private static void stageAll(StagedRecord r) {
        r.setBoolean(0, true);
        r.setTinyint(1, (byte) -7);
        r.setSmallint(2, (short) 300);
        r.setInt(3, -70000);
        r.setBigint(4, 1L << 40);
        r.setFloat(5, 1.5f);
        r.setDouble(6, -2.25d);
        byte[] hello = "xxhéllo".getBytes(StandardCharsets.UTF_8);
        r.setString(7, hello, 2, hello.length - 2);
        r.setString(8, "中文ab");
        r.setString(9, "xyz");
        r.setString(10, "{\"a\":1}");
        r.setBinary(11, new byte[] {9, 0, 1, -1}, 1, 3);
        r.setDecimal(12, -1234050, 3);
        r.setDate(13, LocalDate.of(2026, 12, 7).toEpochDay());
        r.setDatetime(14, 1_765_000_000_123L);
        r.setTimestamp(15, 1_765_000_000L, 123_456_789);
        r.setTimestampNtz(
                16,
                LocalDateTime.of(2026, 12, 7, 18, 0, 1, 999)
                        .toEpochSecond(java.time.ZoneOffset.UTC),
                999);
        r.setIntervalDayTime(17, -5, 250);
        r.setIntervalYearMonth(18, 14);
        r.setValue(19, Arrays.asList("a", null, "c"));
        r.setString(20, "set, then made NULL again");
        r.setNull(20);
    }

    private static byte[] generic(List<Column> columns, Object[]... rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(columns, out);
        for (Object[] row : rows) {
            w.write(row);
        }
        w.finish();
        return out.toByteArray();
    }

    @Test
    void stagedFieldsEncodeToTheSameBytesAsTheGenericPathRecordAfterRecord() throws IOException {
        StagedRecord r = new StagedRecord(ALL);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(ALL, out);
        for (int n = 0; n < 3; n++) {
            r.clear();
            stageAll(r);
            r.writeTo(w, ALL.size());
        }
        w.finish();

        assertThat(Hex.of(out.toByteArray()))
                .isEqualTo(Hex.of(generic(ALL, allValues(), allValues(), allValues())));
        RecordStreamReader reader =
                new RecordStreamReader(
                        ALL, new ByteArrayInputStream(out.toByteArray()), true, true);
        Object[] read = reader.read();
        assertThat(read[8]).isEqualTo("中文ab");
        assertThat(read[12]).isEqualTo(new BigDecimal("-1234.050"));
        assertThat(read[20]).isNull();
    }

    @Test
    void valuesReadBackInTheCodecsJavaMapping() {
        StagedRecord r = new StagedRecord(ALL);
        stageAll(r);
        Object[] expected = allValues();
        Object[] values = r.values(new Object[ALL.size()]);
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] instanceof byte[] b) {
                assertThat((byte[]) values[i]).as(ALL.get(i).name()).isEqualTo(b);
            } else {
                assertThat(values[i]).as(ALL.get(i).name()).isEqualTo(expected[i]);
            }
        }
        r.clear();
        assertThat(r.values(new Object[ALL.size()])).containsOnlyNulls();
    }

    @Test
    void unscaledDecimalsWriteTheDigitsOfTheirBigDecimal() throws IOException {
        List<Column> cols = List.of(Column.of("dec", "decimal(38,6)"));
        Random random = new Random(7);
        long[] edge = {
            0, 1, -1, 5, -5, 999_999, 1_000_000, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MIN_VALUE
        };
        for (int n = 0; n < 2_000; n++) {
            long unscaled = n < edge.length ? edge[n] : random.nextLong() >> random.nextInt(63);
            int scale = random.nextInt(8) - 1; // -1 .. 6: negative and over the column's scale too
            StagedRecord r = new StagedRecord(cols);
            r.setDecimal(0, unscaled, scale);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            RecordStreamWriter w = new RecordStreamWriter(cols, out);
            r.writeTo(w, 1);
            w.finish();
            BigDecimal expected = BigDecimal.valueOf(unscaled, scale);
            assertThat(Hex.of(out.toByteArray()))
                    .as("%d scale %d", unscaled, scale)
                    .isEqualTo(Hex.of(generic(cols, new Object[] {expected})))
                    // the field is the ASCII of toPlainString(), as the SDK writes it
                    .contains(Hex.of(expected.toPlainString().getBytes(StandardCharsets.US_ASCII)));
            Object read =
                    new RecordStreamReader(
                                    cols, new ByteArrayInputStream(out.toByteArray()), false, true)
                            .read()[0];
            assertThat(read).isEqualTo(new BigDecimal(expected.toPlainString()));
        }
    }

    @Test
    void anUnscaledDecimalWithTooManyIntegerDigitsNamesColumnAndValue() throws IOException {
        List<Column> cols = List.of(Column.of("price", "decimal(5,2)"));
        StagedRecord r = new StagedRecord(cols);
        r.setDecimal(0, 123456, 2);
        RecordStreamWriter w = new RecordStreamWriter(cols, new ByteArrayOutputStream());
        assertThatThrownBy(() -> r.writeTo(w, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'price' (decimal(5,2)): decimal 1234.56 has more than 3 integer"
                                + " digits");
        assertThatThrownBy(() -> w.write(new Object[] {new BigDecimal("1234.56")}))
                .hasMessage(
                        "Column 'price' (decimal(5,2)): decimal 1234.56 has more than 3 integer"
                                + " digits");
        // the refused record left nothing behind
        r.clear();
        r.setDecimal(0, 99999, 2);
        r.writeTo(w, 1);
        assertThat(w.recordCount()).isEqualTo(1);
    }

    @Test
    void aValueOfTheWrongTypeOrANullInANotNullColumnNamesTheColumn() {
        List<Column> cols =
                List.of(
                        Column.of("id", "int"),
                        new Column(
                                "name",
                                io.github.mctunnel.client.schema.TypeInfo.parse("varchar(3)"),
                                false,
                                "",
                                null));
        StagedRecord r = new StagedRecord(cols);
        RecordStreamWriter w = new RecordStreamWriter(cols, new ByteArrayOutputStream());
        r.setBigint(0, 1);
        r.setString(1, "abc");
        assertThatThrownBy(() -> r.writeTo(w, 2))
                .hasMessage("Column 'id' is int; cannot write bigint to it");
        r.clear();
        r.setInt(0, 1);
        r.setString(1, "abcd");
        assertThatThrownBy(() -> r.writeTo(w, 2))
                .hasMessageStartingWith(
                        "Column 'name' (varchar(3)): the value has 4 characters, more than the"
                                + " declared 3");
        r.clear();
        r.setInt(0, 1);
        assertThatThrownBy(() -> r.writeTo(w, 2))
                .hasMessage(
                        "Column 'name' (varchar(3)) is NOT NULL but the record has no value for it");
        assertThat(w.recordCount()).isZero();
    }

    @Test
    void textSameValueAndCopyFieldServePartitionValues() {
        List<Column> cols = List.of(Column.of("dt", "string"), Column.of("hh", "bigint"));
        StagedRecord a = new StagedRecord(cols);
        StagedRecord b = new StagedRecord(cols);
        a.setString(0, "2026-12-07");
        a.setBigint(1, 18);
        assertThat(a.text(0)).isEqualTo("2026-12-07");
        assertThat(a.text(1)).isEqualTo("18");
        b.copyField(0, a, 0);
        b.copyField(1, a, 1);
        a.clear();
        a.setString(0, "2026-12-07".getBytes(StandardCharsets.UTF_8), 0, 10);
        a.setBigint(1, 18);
        assertThat(a.sameValue(0, b, 0)).isTrue();
        assertThat(a.sameValue(1, b, 1)).isTrue();
        a.setString(0, "2026-12-08");
        a.setInt(1, 18);
        assertThat(a.sameValue(0, b, 0)).isFalse();
        assertThat(a.sameValue(1, b, 1)).as("another setter is another value").isFalse();
        a.setNull(0);
        assertThat(a.text(0)).isNull();
    }

    @Test
    void nonAsciiStringsAndLargeValuesGrowTheBufferAndKeepEarlierFields() throws IOException {
        List<Column> cols = List.of(Column.of("a", "string"), Column.of("b", "string"));
        StagedRecord r = new StagedRecord(cols);
        String big = "é".repeat(1000);
        r.setString(0, "first");
        r.setString(1, big);
        assertThat(r.text(0)).isEqualTo("first");
        assertThat(r.text(1)).isEqualTo(big);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(cols, out);
        r.writeTo(w, 2);
        w.finish();
        assertThat(Hex.of(out.toByteArray()))
                .isEqualTo(Hex.of(generic(cols, new Object[] {"first", big})));
    }

    @Test
    void negativeIntervalNanosAreWrittenInDurationsFormOnEveryPath() throws IOException {
        List<Column> cols = List.of(Column.of("i", "interval_day_time"));
        StagedRecord r = new StagedRecord(cols);
        r.setIntervalDayTime(0, -1, -500_000_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(cols, out);
        r.writeTo(w, 1);
        w.finish();
        Duration d = Duration.ofSeconds(-1, -500_000_000);
        assertThat(Hex.of(out.toByteArray())).isEqualTo(Hex.of(generic(cols, new Object[] {d})));
        assertThat(r.value(0)).isEqualTo(d);
    }

    @Test
    void valuesOutOfJavaTimesRangeAreBadValuesNamingTheColumn() {
        List<Column> cols =
                List.of(
                        Column.of("ts", "timestamp_ntz"),
                        Column.of("day", "date"),
                        Column.of("iym", "interval_year_month"));
        StagedRecord r = new StagedRecord(cols);
        r.setTimestampNtz(0, 10, -1);
        assertThatThrownBy(() -> r.value(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Column 'ts' (timestamp_ntz): nanos must be in [0, 999999999]: -1");
        r.setDate(1, 1_000_000_000_000_000L);
        assertThatThrownBy(() -> r.value(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Column 'day' (date): ");
        r.setIntervalYearMonth(2, Long.MAX_VALUE);
        assertThatThrownBy(() -> r.value(2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Column 'iym' (interval_year_month): ");
    }

    @Test
    void aCopiedObjectIsItsTextSoChangingTheObjectLaterChangesNothing() {
        List<Column> cols = List.of(Column.of("ds", "string"));
        StringBuilder mutable = new StringBuilder("20240101");
        StagedRecord a = new StagedRecord(cols);
        StagedRecord cache = new StagedRecord(cols);
        a.setValue(0, mutable);
        cache.copyField(0, a, 0);
        mutable.setLength(0);
        mutable.append("20240102");
        assertThat(a.sameValue(0, cache, 0)).isFalse();
        a.setValue(0, "20240101");
        assertThat(a.sameValue(0, cache, 0)).as("the same text from another object").isTrue();
    }

    @Test
    void aTextValueIsStagedAsItsBytesAndMatchesTheSameTextHoweverItWasSet() throws IOException {
        List<Column> cols = List.of(Column.of("ds", "string"), Column.of("c", "varchar(4)"));
        StagedRecord byValue = new StagedRecord(cols);
        StagedRecord byString = new StagedRecord(cols);
        StagedRecord byBuilder = new StagedRecord(cols);
        byValue.setValue(0, "2024-ä");
        byValue.setValue(1, "abcd");
        byString.setString(0, "2024-ä");
        byString.setString(1, "abcd");
        byBuilder.setValue(0, new StringBuilder("2024-ä"));
        byBuilder.setValue(1, new StringBuilder("abcd"));
        for (int f = 0; f < 2; f++) {
            assertThat(byValue.sameValue(f, byString, f)).isTrue();
            assertThat(byBuilder.sameValue(f, byString, f)).isTrue();
            assertThat(byString.sameValue(f, byBuilder, f)).isTrue();
            assertThat(byValue.fieldHash(f)).isEqualTo(byString.fieldHash(f));
            assertThat(byBuilder.fieldHash(f)).isEqualTo(byString.fieldHash(f));
        }
        // and it encodes as the generic path encodes the String
        ByteArrayOutputStream staged = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(cols, staged);
        byValue.writeTo(w, 2);
        w.finish();
        ByteArrayOutputStream generic = new ByteArrayOutputStream();
        RecordStreamWriter g = new RecordStreamWriter(cols, generic);
        g.write(new Object[] {"2024-ä", "abcd"});
        g.finish();
        assertThat(staged.toByteArray()).isEqualTo(generic.toByteArray());
        // a VARCHAR too long is refused with the generic path's message
        StagedRecord tooLong = new StagedRecord(cols);
        tooLong.setValue(1, "abcde");
        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        RecordStreamWriter r = new RecordStreamWriter(cols, refused);
        String viaStaged = messageOf(() -> tooLong.writeTo(r, 2));
        RecordStreamWriter r2 = new RecordStreamWriter(cols, new ByteArrayOutputStream());
        String viaGeneric = messageOf(() -> r2.write(new Object[] {null, "abcde"}));
        assertThat(viaStaged).isNotNull().isEqualTo(viaGeneric);
    }

    private static String messageOf(ThrowingRunnable r) {
        try {
            r.run();
            return null;
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void theBufferShrinksBackAfterOneHugeRecord() {
        List<Column> cols = List.of(Column.of("s", "string"));
        StagedRecord r = new StagedRecord(cols);
        byte[] huge = new byte[8 << 20];
        r.setString(0, huge, 0, huge.length);
        assertThat(r.bufferCapacity()).isGreaterThanOrEqualTo(huge.length);
        for (int n = 0; n < 2 * 1024; n++) {
            r.clear();
            r.setString(0, "small");
        }
        assertThat(r.bufferCapacity()).isLessThan(1 << 20);
        assertThat(r.text(0)).isEqualTo("small");
    }
}
