package io.github.mctunnel.client.codec;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TypeInfo;

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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static io.github.mctunnel.client.codec.RecordStreamVectorsTest.ALL_TYPES;
import static io.github.mctunnel.client.codec.RecordStreamVectorsTest.TWO_COLUMNS;
import static io.github.mctunnel.client.codec.RecordStreamVectorsTest.VECTOR_10_5;
import static io.github.mctunnel.client.codec.RecordStreamVectorsTest.VECTOR_13_2;
import static io.github.mctunnel.client.codec.RecordStreamVectorsTest.fullRow105;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link RecordStreamReader#next()}: every type read through the view, as the Object[] path. */
class RecordViewTest {

    private static RecordStreamReader reader(List<Column> columns, byte[] body) {
        return new RecordStreamReader(columns, new ByteArrayInputStream(body), false);
    }

    @Test
    void everyTypeOfVector10_5ReadsThroughTheView() throws IOException {
        RecordView r = reader(ALL_TYPES, Hex.bytes(VECTOR_10_5)).next();
        assertThat(r.columnCount()).isEqualTo(22);
        for (int i = 0; i < 22; i++) {
            assertThat(r.isNull(i)).as("column %d", i).isFalse();
        }
        assertThat(r.getLong(0)).isEqualTo(1L);
        assertThat(r.getInt(1)).isEqualTo(-2);
        assertThat(r.getLong(1)).isEqualTo(-2L);
        assertThat(r.getShort(2)).isEqualTo((short) 3);
        assertThat(r.getByte(3)).isEqualTo((byte) -4);
        assertThat(r.getBoolean(4)).isTrue();
        assertThat(r.getDouble(5)).isEqualTo(1.5d);
        assertThat(r.getFloat(6)).isEqualTo(2.5f);
        assertThat(bytes(r, 7)).isEqualTo("hello");
        assertThat(bytes(r, 8)).isEqualTo("vc");
        assertThat(bytes(r, 9)).isEqualTo("ch");
        assertThat(r.getBytes(10)).containsExactly(0x00, 0xff);
        assertThat(r.bytesLength(10)).isEqualTo(2);
        assertThat(r.getEpochMillis(11)).isEqualTo(1704067200123L);
        assertThat(r.getEpochDay(12)).isEqualTo(LocalDate.of(2024, 1, 1).toEpochDay());
        assertThat(r.getSeconds(13)).isEqualTo(1704067200L);
        assertThat(r.getNanos(13)).isEqualTo(123456789);
        assertThat(r.getSeconds(14)).isEqualTo(1704067200L);
        assertThat(r.getNanos(14)).isEqualTo(5);
        assertThat(r.isCompactDecimal(15)).isTrue();
        assertThat(r.getUnscaledLong(15)).isEqualTo(12345L);
        assertThat(r.getDecimalScale(15)).isEqualTo(3);
        assertThat(r.getDecimal(15)).isEqualTo(new BigDecimal("12.345"));
        assertThat(r.getSeconds(16)).isEqualTo(90061L);
        assertThat(r.getNanos(16)).isEqualTo(1000);
        assertThat(r.getMonths(17)).isEqualTo(14);
        assertThat(r.getObject(18)).isEqualTo(Arrays.asList(1L, null, 3L));
        assertThat(r.getObject(19)).isEqualTo(fullRow105()[19]);
        assertThat(r.getObject(20)).isEqualTo(Arrays.asList(7L, "x"));
        assertThat(bytes(r, 21)).isEqualTo("{\"a\":1}");
        assertThat(r.toValues()).containsExactly(fullRow105());
    }

    @Test
    void aNullRecordIsNullInEveryColumnAndItsGettersRefuse() throws IOException {
        RecordStreamReader reader = reader(ALL_TYPES, Hex.bytes(VECTOR_10_5));
        RecordView first = reader.next();
        RecordView second = reader.next();
        assertThat(second).isSameAs(first);
        for (int i = 0; i < 22; i++) {
            assertThat(second.isNull(i)).as("column %d", i).isTrue();
            assertThat(second.getObject(i)).isNull();
        }
        assertThatThrownBy(() -> second.getLong(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Column 0 is NULL in this record");
        assertThatThrownBy(() -> second.bytesArray(7))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Column 7 is NULL in this record");
        assertThat(reader.next()).isNull();
        assertThat(reader.recordsRead()).isEqualTo(2);
    }

    @Test
    void aGetterOfAnotherTypeRefuses() throws IOException {
        RecordView r = reader(ALL_TYPES, Hex.bytes(VECTOR_10_5)).next();
        assertThatThrownBy(() -> r.getInt(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Column 0 has type BIGINT, not INT, SMALLINT or TINYINT");
        assertThatThrownBy(() -> r.getDouble(6))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Column 6 has type FLOAT, not DOUBLE");
        assertThatThrownBy(() -> r.getSeconds(11))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "Column 11 has type DATETIME, not TIMESTAMP, TIMESTAMP_NTZ or"
                                + " INTERVAL_DAY_TIME");
        assertThatThrownBy(() -> r.getObject(22)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void recordsOfVector13_2InTurn() throws IOException {
        RecordStreamReader reader = reader(TWO_COLUMNS, Hex.bytes(VECTOR_13_2));
        RecordView r = reader.next();
        assertThat(r.getLong(0)).isEqualTo(1L);
        assertThat(bytes(r, 1)).isEqualTo("hello");
        r = reader.next();
        assertThat(r.isNull(0)).isTrue();
        assertThat(r.isNull(1)).isTrue();
        r = reader.next();
        assertThat(r.getLong(0)).isEqualTo(-3L);
        assertThat(r.isNull(1)).isFalse();
        assertThat(r.bytesLength(1)).isZero();
        assertThat(reader.next()).isNull();
        assertThat(reader.next()).isNull();
    }

    @Test
    void theViewDetectsEveryCorruptionTheValuesPathDetects() {
        byte[] payload = Hex.bytes(VECTOR_13_2);
        payload[4] ^= 0x01; // "hello" becomes "iello" in record 1
        assertThatThrownBy(() -> reader(TWO_COLUMNS, payload).next())
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessageStartingWith(
                        "Corrupt record stream in record 1: checksum mismatch: the record carries"
                                + " 0xAE26D63B but its content gives");
        byte[] trailer = Hex.bytes(VECTOR_13_2);
        trailer[trailer.length - 2] ^= 0x10;
        assertThatThrownBy(() -> readAllViews(TWO_COLUMNS, trailer))
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessageStartingWith(
                        "Corrupt record stream in the trailer after record 3: stream checksum"
                                + " mismatch");
        byte[] truncated = Arrays.copyOf(Hex.bytes(VECTOR_13_2), 7);
        assertThatThrownBy(() -> reader(TWO_COLUMNS, truncated).next())
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessageStartingWith(
                        "Corrupt record stream in record 1: the stream is truncated");
    }

    @Test
    void aDuplicateColumnIsRejected() throws IOException {
        // field 1 (BIGINT 1) twice
        byte[] body = Hex.bytes("08 02 08 02 80 c0 ff 7f 00");
        assertThatThrownBy(() -> reader(TWO_COLUMNS, body).next())
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessage("Corrupt record stream in record 1: column 1 appears twice");
    }

    @Test
    void outOfRangeDatesAndTimestampsAreRejectedLikeTheirJavaValues() throws IOException {
        List<Column> columns =
                List.of(
                        Column.of("d", "date"),
                        Column.of("t", "timestamp"),
                        Column.of("n", "timestamp_ntz"));
        long beyondDate = LocalDate.MAX.toEpochDay() + 1;
        assertThatThrownBy(() -> reader(columns, record(1, beyondDate)).next())
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessage(
                        "Corrupt record stream in record 1: DATE value "
                                + beyondDate
                                + " is out of range");
        long beyondInstant = Instant.MAX.getEpochSecond() + 1;
        assertThatThrownBy(() -> reader(columns, record(2, beyondInstant)).next())
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessage(
                        "Corrupt record stream in record 1: TIMESTAMP value "
                                + beyondInstant
                                + " s is out of range");
        long beyondLocal = LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC) + 1;
        assertThatThrownBy(() -> reader(columns, record(3, beyondLocal)).next())
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessage(
                        "Corrupt record stream in record 1: TIMESTAMP_NTZ value "
                                + beyondLocal
                                + " s is out of range");
        long lastLocal = LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC);
        RecordStreamReader ok = reader(columns, record(3, lastLocal));
        assertThat(ok.read()[2]).isEqualTo(LocalDateTime.MAX.withNano(0));
    }

    /** One record with field {@code field} (a timestamp's nanos 0) holding {@code value}. */
    private static byte[] record(int field, long value) throws IOException {
        RecordChecksum crc = new RecordChecksum();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, (long) field << 3);
        varint(out, (value << 1) ^ (value >> 63));
        crc.updateInt(field);
        crc.updateLong(value);
        if (field > 1) {
            varint(out, 0);
            crc.updateInt(0);
        }
        varint(out, (long) RecordStreamTags.END_RECORD << 3);
        varint(out, crc.value() & 0xFFFFFFFFL);
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    @Test
    void decimalsOfEveryFormReadAsBigDecimalDoes() throws IOException {
        List<Column> columns = List.of(Column.of("d", TypeInfo.decimal(38, 18)));
        List<String> texts =
                List.of(
                        "0",
                        "-0.00",
                        "1.50",
                        "-123456789012345678",
                        "123456789012345678.9",
                        "99999999999999999999.123456789012345678",
                        "0.000000000000000001",
                        "9223372036854775807",
                        "9223372036854775808",
                        "1E+3");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(columns, out);
        for (String t : texts) {
            w.write(new Object[] {new BigDecimal(t)});
        }
        w.finish();
        RecordStreamReader reader = reader(columns, out.toByteArray());
        for (String t : texts) {
            RecordView r = reader.next();
            // the writer sends the plain text
            BigDecimal expected = new BigDecimal(new BigDecimal(t).toPlainString());
            assertThat(r.getDecimal(0)).as(t).isEqualTo(expected);
            assertThat(r.getDecimal(0).scale()).as(t).isEqualTo(expected.scale());
            boolean compact = expected.unscaledValue().bitLength() < Long.SIZE;
            assertThat(r.isCompactDecimal(0)).as(t).isEqualTo(compact);
            if (compact) {
                assertThat(r.getUnscaledLong(0)).isEqualTo(expected.unscaledValue().longValue());
                assertThat(r.getDecimalScale(0)).isEqualTo(expected.scale());
            } else {
                assertThatThrownBy(() -> r.getUnscaledLong(0))
                        .isInstanceOf(IllegalStateException.class);
            }
        }
        assertThat(reader.next()).isNull();
    }

    @Test
    void aDecimalSentAsInfOrNanIsNull() throws IOException {
        List<Column> columns = List.of(Column.of("d", TypeInfo.decimal(10, 2)));
        byte[] inf = "inf".getBytes(StandardCharsets.US_ASCII);
        RecordChecksum crc = new RecordChecksum();
        crc.updateInt(1);
        crc.updateBytes(inf, 0, inf.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x0a);
        out.write(inf.length);
        out.write(inf);
        out.write(Hex.bytes("80 c0 ff 7f"));
        varint(out, crc.value() & 0xFFFFFFFFL);
        RecordView r = reader(columns, out.toByteArray()).next();
        assertThat(r.isNull(0)).isTrue();
        assertThat(r.toValues()).containsExactly((Object) null);
    }

    @Test
    void aValueLongerThanTheReadBufferReadsWhole() throws IOException {
        char[] chars = new char[200_000];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) ('a' + i % 26);
        }
        String big = new String(chars);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(TWO_COLUMNS, out);
        w.write(new Object[] {1L, "small"});
        w.write(new Object[] {2L, big});
        w.write(new Object[] {3L, "é"});
        w.finish();
        RecordStreamReader reader = reader(TWO_COLUMNS, out.toByteArray());
        assertThat(bytes(reader.next(), 1)).isEqualTo("small");
        assertThat(bytes(reader.next(), 1)).isEqualTo(big);
        RecordView last = reader.next();
        assertThat(last.getBytes(1)).containsExactly(0xc3, 0xa9);
        assertThat(last.getObject(1)).isEqualTo("é");
        assertThat(reader.next()).isNull();
    }

    @Test
    void randomRowsOfEveryTypeReadTheSameThroughViewAndValues() throws IOException {
        SplittableRandom random = new SplittableRandom(18);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            rows.add(randomRow(random));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(ALL_TYPES, out);
        for (Object[] row : rows) {
            w.write(row);
        }
        w.finish();
        byte[] body = out.toByteArray();
        RecordStreamReader values = reader(ALL_TYPES, body);
        RecordStreamReader views = reader(ALL_TYPES, body);
        for (Object[] row : rows) {
            Object[] boxed = values.read();
            RecordView view = views.next();
            assertThat(boxed).containsExactly(row);
            assertThat(view.toValues()).containsExactly(boxed);
            for (int c = 0; c < row.length; c++) {
                assertThat(view.isNull(c)).isEqualTo(row[c] == null);
            }
            assertThat(new ValuesRecordView(boxed).toValues()).containsExactly(boxed);
        }
        assertThat(values.read()).isNull();
        assertThat(views.next()).isNull();
    }

    private static Object[] randomRow(SplittableRandom random) {
        Object[] full = fullRow105();
        Object[] row = new Object[full.length];
        for (int i = 0; i < row.length; i++) {
            if (random.nextInt(4) == 0) {
                continue; // NULL
            }
            row[i] =
                    switch (i) {
                        case 0 -> random.nextLong();
                        case 1 -> random.nextInt();
                        case 2 -> (short) random.nextInt();
                        case 3 -> (byte) random.nextInt();
                        case 4 -> random.nextBoolean();
                        case 5 -> random.nextDouble() * 1e6 - 5e5;
                        case 6 -> (float) random.nextDouble();
                        case 7 -> "s" + random.nextLong() + "ü中";
                        case 11 -> Instant.ofEpochMilli(random.nextLong(-1L << 40, 1L << 40));
                        case 12 -> LocalDate.ofEpochDay(random.nextLong(-800_000, 800_000));
                        case 13 ->
                                Instant.ofEpochSecond(
                                        random.nextLong(-1L << 36, 1L << 36),
                                        random.nextInt(1_000_000_000));
                        case 14 ->
                                LocalDateTime.ofEpochSecond(
                                        random.nextLong(-1L << 36, 1L << 36),
                                        random.nextInt(1_000_000_000),
                                        ZoneOffset.UTC);
                        case 15 -> BigDecimal.valueOf(random.nextLong(-(1L << 50), 1L << 50), 3);
                        case 16 ->
                                Duration.ofSeconds(
                                        random.nextLong(-1L << 40, 1L << 40),
                                        random.nextInt(1_000_000_000));
                        case 17 -> Period.ofMonths(random.nextInt(-100_000, 100_000)).normalized();
                        default -> full[i];
                    };
        }
        return row;
    }

    private static List<Object[]> readAllViews(List<Column> columns, byte[] body)
            throws IOException {
        RecordStreamReader reader = reader(columns, body);
        List<Object[]> rows = new ArrayList<>();
        RecordView r;
        while ((r = reader.next()) != null) {
            rows.add(r.toValues());
        }
        return rows;
    }

    private static String bytes(RecordView r, int column) {
        return new String(
                r.bytesArray(column),
                r.bytesOffset(column),
                r.bytesLength(column),
                StandardCharsets.UTF_8);
    }
}
