package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TypeInfo;

import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowDataConvertersTest {

    /** One column of every MaxCompute type, nested types included. */
    static final List<Column> COLUMNS =
            List.of(
                    Column.of("c_bigint", "bigint"),
                    Column.of("c_int", "int"),
                    Column.of("c_smallint", "smallint"),
                    Column.of("c_tinyint", "tinyint"),
                    Column.of("c_boolean", "boolean"),
                    Column.of("c_double", "double"),
                    Column.of("c_float", "float"),
                    Column.of("c_string", "string"),
                    Column.of("c_varchar", "varchar(5)"),
                    Column.of("c_char", "char(3)"),
                    Column.of("c_binary", "binary"),
                    Column.of("c_json", "json"),
                    Column.of("c_decimal", "decimal(10,2)"),
                    Column.of("c_date", "date"),
                    Column.of("c_datetime", "datetime"),
                    Column.of("c_timestamp", "timestamp"),
                    Column.of("c_timestamp_ntz", "timestamp_ntz"),
                    Column.of("c_interval_dt", "interval_day_time"),
                    Column.of("c_interval_ym", "interval_year_month"),
                    Column.of("c_array", "array<string>"),
                    Column.of("c_map", "map<string,array<bigint>>"),
                    Column.of("c_struct", "struct<a:int,b:struct<c:decimal(5,1),d:array<date>>>"));

    static final RowType ROW_TYPE = TunnelTypeMapping.toRowType(COLUMNS);

    private static final Instant DATETIME = Instant.parse("2024-02-29T23:59:58.123Z");
    private static final Instant TIMESTAMP = Instant.parse("1969-12-31T23:59:59.123456789Z");
    private static final LocalDateTime NTZ = LocalDateTime.parse("2024-01-02T03:04:05.000000007");

    static GenericRowData fullRow() {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put(StringData.fromString("k1"), new GenericArrayData(new long[] {1L, -2L}));
        map.put(StringData.fromString("k2"), null);
        return GenericRowData.of(
                Long.MAX_VALUE,
                Integer.MIN_VALUE,
                (short) -7,
                (byte) 127,
                true,
                3.5d,
                -1.25f,
                StringData.fromString("héllo wörld"),
                StringData.fromString("ab😀cd"),
                StringData.fromString("xyz"),
                new byte[] {0, 1, (byte) 0xff},
                StringData.fromString("{\"a\":[1,2]}"),
                DecimalData.fromBigDecimal(new BigDecimal("-12345678.90"), 10, 2),
                (int) LocalDate.of(2024, 2, 29).toEpochDay(),
                TimestampData.fromInstant(DATETIME),
                TimestampData.fromInstant(TIMESTAMP),
                TimestampData.fromLocalDateTime(NTZ),
                Duration.ofDays(3).plusMillis(-1).toMillis(),
                14,
                new GenericArrayData(new Object[] {StringData.fromString("x"), null}),
                new GenericMapData(map),
                GenericRowData.of(
                        42,
                        GenericRowData.of(
                                DecimalData.fromBigDecimal(new BigDecimal("1234.5"), 5, 1),
                                new GenericArrayData(
                                        new Object[] {
                                            (int) LocalDate.of(1900, 1, 1).toEpochDay(), null
                                        }))));
    }

    @Test
    void writesEveryTypeAsTheCodecValue() {
        Object[] values = RowDataToRecordConverter.create(ROW_TYPE, COLUMNS).convert(fullRow());

        assertThat(values).hasSize(22);
        assertThat(values[0]).isEqualTo(Long.MAX_VALUE);
        assertThat(values[1]).isEqualTo(Integer.MIN_VALUE);
        assertThat(values[2]).isEqualTo((short) -7);
        assertThat(values[3]).isEqualTo((byte) 127);
        assertThat(values[4]).isEqualTo(true);
        assertThat(values[5]).isEqualTo(3.5d);
        assertThat(values[6]).isEqualTo(-1.25f);
        // STRING goes as UTF-8 bytes, no String round trip
        assertThat((byte[]) values[7]).isEqualTo("héllo wörld".getBytes(StandardCharsets.UTF_8));
        assertThat(values[8]).isEqualTo("ab😀cd");
        assertThat(values[9]).isEqualTo("xyz");
        assertThat((byte[]) values[10]).containsExactly(0, 1, 0xff);
        assertThat(values[11]).isEqualTo("{\"a\":[1,2]}");
        assertThat(values[12]).isEqualTo(new BigDecimal("-12345678.90"));
        assertThat(values[13]).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(values[14]).isEqualTo(DATETIME);
        assertThat(values[15]).isEqualTo(TIMESTAMP);
        assertThat(values[16]).isEqualTo(NTZ);
        assertThat(values[17]).isEqualTo(Duration.ofDays(3).minusMillis(1));
        assertThat(values[18]).isEqualTo(Period.of(1, 2, 0));
        assertThat(values[19]).isEqualTo(Arrays.asList("x", null));
        Map<String, List<Long>> expectedMap = new LinkedHashMap<>();
        expectedMap.put("k1", List.of(1L, -2L));
        expectedMap.put("k2", null);
        assertThat(values[20]).isEqualTo(expectedMap);
        assertThat(values[21])
                .isEqualTo(
                        List.of(
                                42,
                                List.of(
                                        new BigDecimal("1234.5"),
                                        Arrays.asList(LocalDate.of(1900, 1, 1), null))));
    }

    @Test
    void readsBackExactlyWhatWasWritten() {
        GenericRowData original = fullRow();
        Object[] values = RowDataToRecordConverter.create(ROW_TYPE, COLUMNS).convert(original);
        GenericRowData back = RecordToRowDataConverter.create(COLUMNS).convert(values);

        assertThat(back.getArity()).isEqualTo(original.getArity());
        for (int i = 0; i < original.getArity(); i++) {
            if (i == 20) {
                continue; // GenericMapData has no equals; compared below
            }
            assertThat(back.getField(i))
                    .as("field %s", COLUMNS.get(i).name())
                    .isEqualTo(original.getField(i));
        }
        MapData map = back.getMap(20);
        assertThat(map.size()).isEqualTo(2);
        assertThat(map.keyArray().getString(0)).isEqualTo(StringData.fromString("k1"));
        assertThat(map.valueArray().getArray(0).toLongArray()).containsExactly(1L, -2L);
        assertThat(map.keyArray().getString(1)).isEqualTo(StringData.fromString("k2"));
        assertThat(map.valueArray().isNullAt(1)).isTrue();
        // and the codec's reader form (strings as String, as the codec returns nested strings)
        values[7] = "héllo wörld";
        assertThat(RecordToRowDataConverter.create(COLUMNS).convert(values).getString(7))
                .isEqualTo(StringData.fromString("héllo wörld"));
    }

    @Test
    void nullsAtEveryLevelRoundTrip() {
        GenericRowData allNull = new GenericRowData(COLUMNS.size());
        Object[] values = RowDataToRecordConverter.create(ROW_TYPE, COLUMNS).convert(allNull);
        assertThat(values).containsOnlyNulls().hasSize(22);
        GenericRowData back = RecordToRowDataConverter.create(COLUMNS).convert(values);
        for (int i = 0; i < COLUMNS.size(); i++) {
            assertThat(back.isNullAt(i)).isTrue();
        }

        List<Column> nested = List.of(Column.of("s", "struct<a:int,b:array<string>>"));
        RowType nestedType = TunnelTypeMapping.toRowType(nested);
        GenericRowData row = GenericRowData.of(GenericRowData.of(null, null));
        Object[] nestedValues = RowDataToRecordConverter.create(nestedType, nested).convert(row);
        assertThat(nestedValues[0]).isEqualTo(Arrays.asList(null, null));
        assertThat(RecordToRowDataConverter.create(nested).convert(nestedValues)).isEqualTo(row);
    }

    @Test
    void reusesTheTargetArrayAndClearsNulls() {
        RowDataToRecordConverter converter = RowDataToRecordConverter.create(ROW_TYPE, COLUMNS);
        Object[] target = new Object[22];
        assertThat(converter.convert(fullRow(), target)).isSameAs(target);
        assertThat(target[0]).isEqualTo(Long.MAX_VALUE);
        converter.convert(new GenericRowData(22), target);
        assertThat(target).containsOnlyNulls();
    }

    @Test
    void matchesColumnsByNameAndSkipsOtherFields() {
        List<Column> columns = List.of(Column.of("b", "string"), Column.of("a", "bigint"));
        RowType rowType = rowType("ROW<A BIGINT, ds STRING, B STRING>");
        Object[] values =
                RowDataToRecordConverter.create(rowType, columns)
                        .convert(
                                GenericRowData.of(
                                        7L,
                                        StringData.fromString("20240101"),
                                        StringData.fromString("x")));
        assertThat(values).hasSize(2);
        assertThat((byte[]) values[0]).isEqualTo("x".getBytes(StandardCharsets.UTF_8));
        assertThat(values[1]).isEqualTo(7L);
    }

    @Test
    void missingFieldIsNamed() {
        assertThatThrownBy(
                        () ->
                                RowDataToRecordConverter.create(
                                        rowType("ROW<a BIGINT>"),
                                        List.of(Column.of("a", "bigint"), Column.of("b", "int"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Column 'b' of the table has no field in the row type [a]");
    }

    @Test
    void widensIntegersAndFloats() {
        List<Column> columns =
                List.of(
                        Column.of("a", "bigint"),
                        Column.of("b", "int"),
                        Column.of("c", "smallint"),
                        Column.of("d", "double"));
        Object[] values =
                RowDataToRecordConverter.create(
                                rowType("ROW<a INT, b SMALLINT, c TINYINT, d FLOAT>"), columns)
                        .convert(GenericRowData.of(5, (short) 6, (byte) 7, 0.5f));
        assertThat(values).containsExactly(5L, 6, (short) 7, 0.5d);
    }

    @Test
    void tooLongVarcharNamesColumnAndValue() {
        List<Column> columns = List.of(Column.of("name", "varchar(5)"));
        RowDataToRecordConverter converter =
                RowDataToRecordConverter.create(rowType("ROW<name STRING>"), columns);
        // 5 code points in 6 UTF-16 units still fits
        assertThat(converter.convert(GenericRowData.of(StringData.fromString("abcd😀"))))
                .containsExactly("abcd😀");
        assertThatThrownBy(
                        () -> converter.convert(GenericRowData.of(StringData.fromString("abcdef"))))
                .isInstanceOf(ValueConversionException.class)
                .hasMessage(
                        "Value 'abcdef' of column 'name' has 6 characters, more than varchar(5)"
                                + " allows")
                .extracting(e -> ((ValueConversionException) e).column())
                .isEqualTo("name");
    }

    @Test
    void tooLongCharInsideStructNamesThePath() {
        List<Column> columns = List.of(Column.of("addr", "struct<city:char(3)>"));
        RowDataToRecordConverter converter =
                RowDataToRecordConverter.create(rowType("ROW<addr ROW<city STRING>>"), columns);
        assertThatThrownBy(
                        () ->
                                converter.convert(
                                        GenericRowData.of(
                                                GenericRowData.of(
                                                        StringData.fromString("Berlin")))))
                .hasMessage(
                        "Value 'Berlin' of column 'addr.city' has 6 characters, more than char(3)"
                                + " allows");
    }

    @Test
    void decimalIsRescaledAndOverflowIsNamed() {
        List<Column> columns = List.of(Column.of("price", "decimal(5,2)"));
        RowDataToRecordConverter converter =
                RowDataToRecordConverter.create(rowType("ROW<price DECIMAL(10, 3)>"), columns);
        assertThat(converter.convert(GenericRowData.of(decimal("123.455", 10, 3))))
                .containsExactly(new BigDecimal("123.46"));
        assertThatThrownBy(() -> converter.convert(GenericRowData.of(decimal("1234.5", 10, 3))))
                .isInstanceOf(ValueConversionException.class)
                .hasMessage(
                        "Value 1234.500 of column 'price' does not fit decimal(5,2): it has 4"
                                + " integer digits, at most 3 are allowed");
        // rounding up may overflow too
        assertThatThrownBy(() -> converter.convert(GenericRowData.of(decimal("999.996", 10, 3))))
                .hasMessageContaining("Value 999.996 of column 'price' does not fit decimal(5,2)");
    }

    @Test
    void datetimeKeepsMillisecondsOnly() {
        List<Column> columns = List.of(Column.of("t", "datetime"));
        Object[] values =
                RowDataToRecordConverter.create(rowType("ROW<t TIMESTAMP_LTZ(9)>"), columns)
                        .convert(
                                GenericRowData.of(
                                        TimestampData.fromInstant(
                                                Instant.parse("2024-01-01T00:00:00.123999999Z"))));
        assertThat(values).containsExactly(Instant.parse("2024-01-01T00:00:00.123Z"));
    }

    @Test
    void timestampWithoutZoneIsAWallClockTimeInTheGivenZone() {
        List<Column> columns =
                List.of(
                        Column.of("d", "datetime"),
                        Column.of("t", "timestamp"),
                        Column.of("a", "array<datetime>"));
        RowType type = rowType("ROW<d TIMESTAMP(3), t TIMESTAMP(9), a ARRAY<TIMESTAMP(3)>>");
        LocalDateTime datetime = LocalDateTime.parse("2026-11-22T08:00:00.123999");
        LocalDateTime timestamp = LocalDateTime.parse("2026-11-22T23:59:59.123456789");
        GenericRowData row =
                GenericRowData.of(
                        TimestampData.fromLocalDateTime(datetime),
                        TimestampData.fromLocalDateTime(timestamp),
                        new GenericArrayData(
                                new Object[] {TimestampData.fromLocalDateTime(datetime)}));
        for (String zoneId : List.of("UTC", "Asia/Shanghai")) {
            ZoneId zone = ZoneId.of(zoneId);
            Object[] values = RowDataToRecordConverter.create(type, columns, zone).convert(row);
            Instant datetimeInstant =
                    datetime.withNano(123_000_000).atZone(zone).toInstant(); // milliseconds
            assertThat(values)
                    .as(zoneId)
                    .containsExactly(
                            datetimeInstant,
                            timestamp.atZone(zone).toInstant(),
                            List.of(datetimeInstant));
            GenericRowData back =
                    RecordToRowDataConverter.create(columns, type, zone).convert(values);
            assertThat(back.getTimestamp(0, 3).toLocalDateTime())
                    .isEqualTo(datetime.withNano(123_000_000));
            assertThat(back.getTimestamp(1, 9).toLocalDateTime()).isEqualTo(timestamp);
            assertThat(back.getArray(2).getTimestamp(0, 3).toLocalDateTime())
                    .isEqualTo(datetime.withNano(123_000_000));
        }
        // Asia/Shanghai is 8 hours ahead of UTC, all year
        assertThat(
                        RowDataToRecordConverter.create(type, columns, ZoneId.of("Asia/Shanghai"))
                                .convert(row)[1])
                .isEqualTo(Instant.parse("2026-11-22T15:59:59.123456789Z"));
    }

    @Test
    void timestampWithoutZoneIsRefusedForInstantsWhenNoZoneIsGiven() {
        List<Column> columns = List.of(Column.of("d", "datetime"));
        assertThatThrownBy(
                        () ->
                                RowDataToRecordConverter.create(
                                        rowType("ROW<d TIMESTAMP(3)>"), columns))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'd': Flink type TIMESTAMP(3) cannot be written to MaxCompute type"
                                + " datetime; expected TIMESTAMP_LTZ(3)");
        assertThatThrownBy(
                        () ->
                                RecordToRowDataConverter.create(
                                        columns, rowType("ROW<d TIMESTAMP(3)>")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'd': MaxCompute type datetime cannot be read as Flink type"
                                + " TIMESTAMP(3); expected TIMESTAMP_LTZ(3)");
    }

    @Test
    void nullForNotNullColumnIsRejected() {
        List<Column> columns = List.of(new Column("id", TypeInfo.parse("bigint"), false, "", null));
        RowDataToRecordConverter converter =
                RowDataToRecordConverter.create(rowType("ROW<id BIGINT>"), columns);
        assertThatThrownBy(() -> converter.convert(new GenericRowData(1)))
                .isInstanceOf(ValueConversionException.class)
                .hasMessage("Column 'id' is NOT NULL, but the value is NULL");
    }

    @Test
    void readingAValueOfTheWrongClassNamesColumnValueAndClass() {
        List<Column> columns = List.of(Column.of("tags", "array<bigint>"));
        RecordToRowDataConverter converter = RecordToRowDataConverter.create(columns);
        List<Object> tags = new ArrayList<>();
        tags.add(1L);
        tags.add("two");
        assertThatThrownBy(() -> converter.convert(new Object[] {tags}))
                .isInstanceOf(ValueConversionException.class)
                .hasMessage(
                        "Value 'two' (java.lang.String) of column 'tags[]' cannot be read as"
                                + " MaxCompute type bigint");
    }

    @Test
    void readingIntoNarrowerDecimalOrNotNullFieldFailsClearly() {
        List<Column> columns = List.of(Column.of("d", "decimal(10,2)"));
        RecordToRowDataConverter converter =
                RecordToRowDataConverter.create(columns, rowType("ROW<d DECIMAL(4, 2) NOT NULL>"));
        assertThat(converter.convert(new Object[] {new BigDecimal("12.34")}).getDecimal(0, 4, 2))
                .isEqualTo(decimal("12.34", 4, 2));
        assertThatThrownBy(() -> converter.convert(new Object[] {new BigDecimal("123.45")}))
                .hasMessage("Value 123.45 of column 'd' does not fit DECIMAL(4, 2) NOT NULL");
        assertThatThrownBy(() -> converter.convert(new Object[] {null}))
                .hasMessage("Column 'd' is read as a NOT NULL field, but the value is NULL");
    }

    @Test
    void intervalDayTimeIsReadWithMilliseconds() {
        List<Column> columns = List.of(Column.of("i", "interval_day_time"));
        RowData row =
                RecordToRowDataConverter.create(columns)
                        .convert(new Object[] {Duration.ofSeconds(-1, 999_999)});
        // -0.999000001 s, truncated toward zero like Duration.toMillis
        assertThat(row.getLong(0)).isEqualTo(-999L);
    }

    private static RowType rowType(String text) {
        LogicalType t = LogicalTypeParser.parse(text, RowDataConvertersTest.class.getClassLoader());
        return (RowType) t;
    }

    private static DecimalData decimal(String value, int precision, int scale) {
        return DecimalData.fromBigDecimal(new BigDecimal(value), precision, scale);
    }
}
