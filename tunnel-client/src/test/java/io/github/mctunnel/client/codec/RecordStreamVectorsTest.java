package io.github.mctunnel.client.codec;

import io.github.mctunnel.client.schema.Column;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The byte vectors of the protocol fact sheet, §13.2 and §10.5, in both directions. */
class RecordStreamVectorsTest {

    static final List<Column> TWO_COLUMNS =
            List.of(Column.of("a", "bigint"), Column.of("b", "string"));

    static final String VECTOR_13_2 =
            """
            08 02 12 05 68 65 6c 6c 6f 80 c0 ff 7f bb ac 9b f1 0a
            80 c0 ff 7f 00
            08 05 12 00 80 c0 ff 7f a2 b6 c0 d5 0c
            f0 ff ff 7f 06
            f8 ff ff 7f 9f a3 f1 c8 0d
            """;

    static final List<Column> ALL_TYPES =
            List.of(
                    Column.of("f1", "bigint"),
                    Column.of("f2", "int"),
                    Column.of("f3", "smallint"),
                    Column.of("f4", "tinyint"),
                    Column.of("f5", "boolean"),
                    Column.of("f6", "double"),
                    Column.of("f7", "float"),
                    Column.of("f8", "string"),
                    Column.of("f9", "varchar(10)"),
                    Column.of("f10", "char(5)"),
                    Column.of("f11", "binary"),
                    Column.of("f12", "datetime"),
                    Column.of("f13", "date"),
                    Column.of("f14", "timestamp"),
                    Column.of("f15", "timestamp_ntz"),
                    Column.of("f16", "decimal(18,3)"),
                    Column.of("f17", "interval_day_time"),
                    Column.of("f18", "interval_year_month"),
                    Column.of("f19", "array<bigint>"),
                    Column.of("f20", "map<string,bigint>"),
                    Column.of("f21", "struct<a:bigint,b:string>"),
                    Column.of("f22", "json"));

    static final String VECTOR_10_5 =
            """
            08 02  10 03  18 06  20 07  28 01
            31 00 00 00 00 00 00 f8 3f
            3d 00 00 20 40
            42 05 68 65 6c 6c 6f
            4a 02 76 63
            52 02 63 68
            5a 02 00 ff
            60 f6 d1 8f a5 98 63
            68 96 b4 02
            72 80 82 90 d9 0c aa b4 de 75
            7a 80 82 90 d9 0c 0a
            82 01 06 31 32 2e 33 34 35
            8a 01 9a ff 0a d0 0f
            90 01 1c
            9a 01 03 00 02 01 00 06
            a2 01 02 00 01 6e 00 01 6b 02 01 00 02
            aa 01 00 0e 00 01 78
            b2 01 07 7b 22 61 22 3a 31 7d
            80 c0 ff 7f f9 84 83 90 04
            80 c0 ff 7f 00
            f0 ff ff 7f 04
            f8 ff ff 7f 80 93 d6 67
            """;

    static Object[] fullRow105() {
        Map<String, Long> map = new LinkedHashMap<>();
        map.put("n", null);
        map.put("k", 1L);
        return new Object[] {
            1L,
            -2,
            (short) 3,
            (byte) -4,
            true,
            1.5d,
            2.5f,
            "hello",
            "vc",
            "ch",
            new byte[] {0x00, (byte) 0xff},
            Instant.ofEpochMilli(1704067200123L),
            LocalDate.of(2024, 1, 1),
            Instant.ofEpochSecond(1704067200L, 123456789),
            LocalDateTime.of(2024, 1, 1, 0, 0, 0, 5),
            new BigDecimal("12.345"),
            Duration.ofSeconds(90061, 1000),
            Period.of(1, 2, 0),
            Arrays.asList(1L, null, 3L),
            map,
            Arrays.asList(7L, "x"),
            "{\"a\":1}"
        };
    }

    @Test
    void writerProducesVector13_2() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(TWO_COLUMNS, out);
        w.write(new Object[] {1L, "hello"});
        w.write(new Object[] {null, null});
        w.write(new Object[] {-3L, ""});
        w.finish();
        assertThat(Hex.of(out.toByteArray())).isEqualTo(Hex.of(Hex.bytes(VECTOR_13_2)));
        assertThat(w.recordCount()).isEqualTo(3);
    }

    @Test
    void fieldByFieldWriterProducesVector13_2() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(TWO_COLUMNS, out);
        byte[] hello = "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        w.setBigint(0, 1);
        w.setString(1, hello, 0, hello.length);
        w.endRecord();
        w.endRecord();
        w.setBigint(0, -3);
        w.setBinary(1, hello, 2, 0);
        w.endRecord();
        w.finish();
        assertThat(Hex.of(out.toByteArray())).isEqualTo(Hex.of(Hex.bytes(VECTOR_13_2)));
    }

    @Test
    void readerReadsVector13_2() throws IOException {
        RecordStreamReader r =
                new RecordStreamReader(
                        TWO_COLUMNS, new ByteArrayInputStream(Hex.bytes(VECTOR_13_2)), false);
        assertThat(r.read()).containsExactly(1L, "hello");
        assertThat(r.read()).containsExactly(null, null);
        assertThat(r.read()).containsExactly(-3L, "");
        assertThat(r.read()).isNull();
        assertThat(r.read()).isNull();
        assertThat(r.recordsRead()).isEqualTo(3);
    }

    @Test
    void writerProducesVector10_5() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(ALL_TYPES, out);
        w.write(fullRow105());
        w.write(new Object[ALL_TYPES.size()]);
        w.finish();
        assertThat(Hex.of(out.toByteArray())).isEqualTo(Hex.of(Hex.bytes(VECTOR_10_5)));
    }

    @Test
    void readerReadsVector10_5() throws IOException {
        RecordStreamReader r =
                new RecordStreamReader(
                        ALL_TYPES, new ByteArrayInputStream(Hex.bytes(VECTOR_10_5)), false);
        Object[] row = r.read();
        Object[] expected = fullRow105();
        assertThat(row).hasSize(22);
        for (int i = 0; i < expected.length; i++) {
            assertThat(row[i]).as(ALL_TYPES.get(i).name()).isEqualTo(expected[i]);
        }
        assertThat(row[19]).isInstanceOf(LinkedHashMap.class);
        assertThat(new java.util.ArrayList<Object>(((Map<?, ?>) row[19]).keySet()))
                .containsExactly("n", "k");
        assertThat(r.read()).containsOnlyNulls().hasSize(22);
        assertThat(r.read()).isNull();
    }

    @Test
    void stringsAsBytesReturnsRawBytes() throws IOException {
        RecordStreamReader r =
                new RecordStreamReader(
                        ALL_TYPES, new ByteArrayInputStream(Hex.bytes(VECTOR_10_5)), true);
        Object[] row = r.read();
        assertThat(row[7]).isEqualTo("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        List<String> keys = new java.util.ArrayList<>();
        for (Object k : ((Map<?, ?>) row[19]).keySet()) {
            keys.add(new String((byte[]) k, java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(keys).containsExactly("n", "k");
        assertThat(((List<?>) row[20]).get(1)).isEqualTo(new byte[] {'x'});
        assertThat(row[8]).isEqualTo("vc");
    }
}
