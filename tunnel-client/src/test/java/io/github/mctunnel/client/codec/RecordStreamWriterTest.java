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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordStreamWriterTest {

    private static final List<Column> NESTED =
            List.of(
                    Column.of("id", "bigint"),
                    Column.of("cube", "array<array<array<int>>>"),
                    Column.of("m", "map<string,array<struct<x:double,y:string>>>"),
                    Column.of(
                            "s",
                            "struct<a:bigint,b:map<string,decimal(38,18)>,c:struct<d:timestamp,e:varchar(3)>>"));

    private static Object[] nestedRow() {
        Map<String, List<List<Object>>> m = new LinkedHashMap<>();
        m.put("k1", Arrays.asList(Arrays.asList(1.5d, "é"), null, Arrays.asList(null, null)));
        m.put("", null);
        Map<String, BigDecimal> dec = new LinkedHashMap<>();
        dec.put("pi", new BigDecimal("3.141592653589793238"));
        dec.put("none", null);
        return new Object[] {
            7L,
            Arrays.asList(
                    Arrays.asList(Arrays.asList(1, null, -1), null, List.of()), null, List.of()),
            m,
            Arrays.asList(null, dec, Arrays.asList(Instant.ofEpochSecond(-1, 999_999_999), "中文!"))
        };
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void fieldByFieldPathWritesTheSameBytesAsTheGenericPath() throws IOException {
        ByteArrayOutputStream generic = new ByteArrayOutputStream();
        RecordStreamWriter g = new RecordStreamWriter(NESTED, generic);
        g.write(nestedRow());
        g.finish();

        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(NESTED, direct);
        w.setBigint(0, 7);
        w.beginArray(1, 3);
        w.addArray(3);
        w.addArray(3);
        w.addInt(1);
        w.addNull();
        w.addInt(-1);
        w.endArray();
        w.addNull();
        w.addArray(0);
        w.endArray();
        w.endArray();
        w.addNull();
        w.addArray(0);
        w.endArray();
        w.endArray();
        w.beginMap(2, 2);
        w.addString(utf8("k1"), 0, 2);
        w.addString(new byte[0], 0, 0);
        w.addArray(3);
        w.addStruct();
        w.addDouble(1.5);
        w.addString(utf8("é"), 0, 2);
        w.endStruct();
        w.addNull();
        w.addStruct();
        w.addNull();
        w.addNull();
        w.endStruct();
        w.endArray();
        w.addNull();
        w.endMap();
        w.beginStruct(3);
        w.addNull();
        w.addMap(2);
        w.addString(utf8("pi"), 0, 2);
        w.addString(utf8("none"), 0, 4);
        w.addDecimal(new BigDecimal("3.141592653589793238"));
        w.addNull();
        w.endMap();
        w.addStruct();
        w.addTimestamp(-1, 999_999_999);
        w.addString(utf8("中文!"), 0, 7);
        w.endStruct();
        w.endStruct();
        w.endRecord();
        w.finish();

        assertThat(Hex.of(direct.toByteArray())).isEqualTo(Hex.of(generic.toByteArray()));

        RecordStreamReader r =
                new RecordStreamReader(
                        NESTED, new ByteArrayInputStream(direct.toByteArray()), false, true);
        assertThat(r.read()).containsExactly(nestedRow());
        assertThat(r.read()).isNull();
    }

    @Test
    void emptyStreamHasOnlyTheTrailer() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new RecordStreamWriter(NESTED, out).finish();
        assertThat(Hex.of(out.toByteArray())).isEqualTo("f0 ff ff 7f 00 f8 ff ff 7f 00");
    }

    @Test
    void typeMismatchNamesColumnTypeAndValue() {
        RecordStreamWriter w = new RecordStreamWriter(NESTED, new ByteArrayOutputStream());
        assertThatThrownBy(() -> w.write(new Object[] {"7", null, null, null}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'id' (bigint): expected java.lang.Long but got java.lang.String"
                                + " \"7\"");
    }

    @Test
    void nestedMismatchNamesThePath() {
        RecordStreamWriter w = new RecordStreamWriter(NESTED, new ByteArrayOutputStream());
        Object[] row = nestedRow();
        ((List<Object>) ((List<Object>) row[3]).get(2)).set(1, "toolong");
        assertThatThrownBy(() -> w.write(row))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 's' ("
                                + TypeInfo.parse(
                                        "struct<a:bigint,b:map<string,decimal(38,18)>,"
                                                + "c:struct<d:timestamp,e:varchar(3)>>")
                                + ").c.e: the value has 7 characters, more than the declared 3:"
                                + " java.lang.String \"toolong\"");
        Object[] row2 = nestedRow();
        ((List<Object>) ((List<Object>) row2[1]).get(0)).set(0, Arrays.asList(1, 2L));
        assertThatThrownBy(() -> w.write(row2))
                .hasMessage(
                        "Column 'cube' (array<array<array<int>>>)[0][0][1]: expected"
                                + " java.lang.Integer but got java.lang.Long 2");
    }

    @Test
    void failedRecordIsDiscardedAndTheStreamStaysValid() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(RecordStreamVectorsTest.TWO_COLUMNS, out);
        w.write(new Object[] {1L, "hello"});
        assertThatThrownBy(() -> w.write(new Object[] {5L, 5}))
                .isInstanceOf(IllegalArgumentException.class);
        w.setBigint(0, 9);
        assertThatThrownBy(() -> w.setDouble(1, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Column 'b' is string; cannot write double to it");
        w.write(new Object[] {null, null});
        w.write(new Object[] {-3L, ""});
        w.finish();
        assertThat(Hex.of(out.toByteArray()))
                .isEqualTo(Hex.of(Hex.bytes(RecordStreamVectorsTest.VECTOR_13_2)));
        assertThat(w.recordCount()).isEqualTo(3);
    }

    @Test
    void fieldSizeLimitIsEnforced() {
        RecordStreamWriter w =
                new RecordStreamWriter(
                        List.of(Column.of("s", "string"), Column.of("a", "array<string>")),
                        new ByteArrayOutputStream(),
                        4);
        assertThatThrownBy(() -> w.write(new Object[] {"12345", null}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 's' (string): the value is 5 bytes, more than the field size limit"
                                + " of 4 bytes (the project setting odps.sql.cfile2.field.maxsize)");
        assertThatThrownBy(() -> w.write(new Object[] {"1234", List.of("ab", "c")}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'a' (array<string>): the value is 8 bytes encoded, more than the"
                                + " field size limit of 4 bytes (the project setting"
                                + " odps.sql.cfile2.field.maxsize)");
        assertThat(w.recordCount()).isZero();
    }

    /**
     * A decimal with more fractional digits than its column is written rounded, as the service
     * keeps it, so the text is never longer than the column's digits (our reader, and so the
     * emulator, refuses longer DECIMAL texts); values with huge exponents are rounded or refused at
     * once, naming the value.
     */
    @Test
    void decimalsWithExtremeScalesAreRoundedOrRefusedAtOnce() throws IOException {
        List<Column> cols = List.of(Column.of("d", "decimal(38,18)"));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(cols, body);
        w.write(new Object[] {new BigDecimal("1E-130")});
        w.write(new Object[] {new BigDecimal("1E-999999999")});
        w.write(new Object[] {new BigDecimal("-0.0000000000000000005")});
        w.write(new Object[] {new BigDecimal("1.23456789012345678912")});
        w.write(new Object[] {new BigDecimal("12.5")});
        assertThatThrownBy(() -> w.write(new Object[] {new BigDecimal("1E+999999999")}))
                .hasMessage(
                        "Column 'd' (decimal(38,18)): decimal 1E+999999999 has more than 20"
                                + " integer digits");
        w.finish();
        RecordStreamReader r =
                new RecordStreamReader(
                        cols, new ByteArrayInputStream(body.toByteArray()), false, true);
        List<Object> read = new java.util.ArrayList<>();
        Object[] row;
        while ((row = r.read()) != null) {
            read.add(row[0]);
        }
        assertThat(read)
                .containsExactly(
                        new BigDecimal("0E-18"),
                        new BigDecimal("0E-18"),
                        new BigDecimal("-0.000000000000000001"),
                        new BigDecimal("1.234567890123456789"),
                        new BigDecimal("12.5"));
    }

    @Test
    void valueRulesOfTheService() {
        List<Column> cols =
                List.of(
                        Column.of("b", "bigint"),
                        Column.of("d", "decimal(5,2)"),
                        new Column("nn", TypeInfo.parse("int"), false, "", null),
                        Column.of("t", "timestamp"));
        RecordStreamWriter w = new RecordStreamWriter(cols, new ByteArrayOutputStream());
        assertThatThrownBy(() -> w.write(new Object[] {Long.MIN_VALUE, null, 1, null}))
                .hasMessage(
                        "Column 'b' (bigint): BIGINT value -9223372036854775808 (-2^63) is out of"
                                + " range; MaxCompute BIGINT is [-2^63+1, 2^63-1]");
        assertThatThrownBy(() -> w.write(new Object[] {null, new BigDecimal("1000.00"), 1, null}))
                .hasMessage(
                        "Column 'd' (decimal(5,2)): decimal 1000.00 has more than 3 integer digits");
        assertThatThrownBy(() -> w.write(new Object[] {1L, null, null, null}))
                .hasMessage("Column 'nn' (int) is NOT NULL but the record has no value for it");
        assertThatThrownBy(
                        () -> {
                            w.setBigint(0, 1);
                            w.endRecord();
                        })
                .hasMessage("Column 'nn' (int) is NOT NULL but the record has no value for it");
        assertThatThrownBy(
                        () -> {
                            w.setInt(2, 1);
                            w.setTimestamp(3, 0, 1_000_000_000);
                        })
                .hasMessage("Column 't' (timestamp): nanos must be in [0, 999999999]: 1000000000");
        assertThat(w.recordCount()).isZero();
    }

    @Test
    void callOrderIsChecked() throws IOException {
        RecordStreamWriter w = new RecordStreamWriter(NESTED, new ByteArrayOutputStream());
        w.setBigint(0, 1);
        assertThatThrownBy(() -> w.setBigint(0, 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("columns must be set in increasing order: column 0 after column 0");
        w.beginArray(1, 1);
        assertThatThrownBy(w::endArray)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "the array at 'cube[0]' was declared with 1 elements but got 0 elements");
        w.beginArray(1, 1);
        assertThatThrownBy(() -> w.addInt(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "The element at 'cube[0]' is array<array<int>>; cannot write int to it");
        assertThatThrownBy(w::addNull).isInstanceOf(IllegalStateException.class);
        w.endRecord();
        w.finish();
        assertThatThrownBy(() -> w.write(new Object[4]))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the record stream is already finished");
    }

    @Test
    void intervalDayTimeUsesDurationForm() throws IOException {
        List<Column> cols = List.of(Column.of("i", "interval_day_time"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(cols, out);
        w.write(new Object[] {Duration.ofMillis(-1500)});
        w.setIntervalDayTime(0, -1, -500_000_000);
        w.endRecord();
        w.finish();
        RecordStreamReader r =
                new RecordStreamReader(cols, new ByteArrayInputStream(out.toByteArray()), false);
        assertThat(r.read()).containsExactly(Duration.ofMillis(-1500));
        assertThat(r.read()).containsExactly(Duration.ofMillis(-1500));
    }
}
