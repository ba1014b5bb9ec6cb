package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.codec.RecordStreamReader;
import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.codec.ValuesRecordView;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.flink.convert.TunnelTypeMapping;
import io.github.mctunnel.flink.convert.ValueConversionException;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.RowType;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RowDataTunnelRecordDeserializer#deserialize(RecordView, PartitionSpec)}: rows built
 * straight from the decoder's view hold exactly what the {@code Object[]} path gives.
 */
class RowDataFromRecordViewTest {

    private static final List<Column> ALL_TYPES =
            List.of(
                    Column.of("f_bigint", "bigint"),
                    Column.of("f_int", "int"),
                    Column.of("f_smallint", "smallint"),
                    Column.of("f_tinyint", "tinyint"),
                    Column.of("f_boolean", "boolean"),
                    Column.of("f_double", "double"),
                    Column.of("f_float", "float"),
                    Column.of("f_string", "string"),
                    Column.of("f_varchar", "varchar(10)"),
                    Column.of("f_char", "char(5)"),
                    Column.of("f_binary", "binary"),
                    Column.of("f_datetime", "datetime"),
                    Column.of("f_date", "date"),
                    Column.of("f_timestamp", "timestamp"),
                    Column.of("f_timestamp_ntz", "timestamp_ntz"),
                    Column.of("f_decimal", "decimal(18,3)"),
                    Column.of("f_wide_decimal", TypeInfo.decimal(38, 10)),
                    Column.of("f_interval_dt", "interval_day_time"),
                    Column.of("f_interval_ym", "interval_year_month"),
                    Column.of("f_array", "array<bigint>"),
                    Column.of("f_map", "map<string,bigint>"),
                    Column.of("f_struct", "struct<a:bigint,b:string>"),
                    Column.of("f_json", "json"));

    private static Object[] allTypesRow() {
        Map<String, Long> map = new LinkedHashMap<>();
        map.put("k", 1L);
        map.put("n", null);
        return new Object[] {
            -9_000_000_000L,
            -2,
            (short) 3,
            (byte) -4,
            true,
            1.5d,
            2.5f,
            "héllo wörld, a string longer than seven bytes",
            "vc",
            "ch",
            new byte[] {0x00, (byte) 0xff},
            Instant.ofEpochMilli(-1_704_067_200_123L),
            LocalDate.of(2024, 2, 29),
            Instant.ofEpochSecond(-1L, 123_456_789),
            LocalDateTime.of(2024, 1, 1, 0, 0, 0, 5),
            new BigDecimal("-12345.678"),
            new BigDecimal("1234567890123456789012.3456789012"),
            Duration.ofSeconds(90061, 1_000_000),
            Period.of(1, 2, 0),
            Arrays.asList(1L, null, 3L),
            map,
            Arrays.asList(7L, "x"),
            "{\"a\":1}"
        };
    }

    /** Encodes the rows and returns a reader over them. */
    private static RecordStreamReader stream(List<Column> columns, Object[]... rows)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(columns, out);
        for (Object[] row : rows) {
            w.write(row);
        }
        w.finish();
        return new RecordStreamReader(
                columns, new ByteArrayInputStream(out.toByteArray()), false, true);
    }

    /** The row as Flink's own writer lays it out: equal for equal values, binary or generic. */
    private static BinaryRowData asBinary(RowType type, RowData row) {
        return new RowDataSerializer(type).toBinaryRow(row).copy();
    }

    private static RowDataTunnelRecordDeserializer deserializer(RowType type, ZoneId zone) {
        return new RowDataTunnelRecordDeserializer(type, TypeInformation.of(RowData.class), zone);
    }

    @Test
    void everyTypeReadsIntoItsFlinkValue() throws IOException {
        RowType type = TunnelTypeMapping.toRowType(ALL_TYPES);
        RowDataTunnelRecordDeserializer d = deserializer(type, null);
        assertThat(d.open(TableSchema.of(ALL_TYPES)))
                .containsExactlyElementsOf(ALL_TYPES.stream().map(Column::name).toList());
        RecordStreamReader reader = stream(ALL_TYPES, allTypesRow());
        RowData row = d.deserialize(reader.next(), PartitionSpec.empty());

        assertThat(row.getArity()).isEqualTo(23);
        assertThat(row.getLong(0)).isEqualTo(-9_000_000_000L);
        assertThat(row.getInt(1)).isEqualTo(-2);
        assertThat(row.getShort(2)).isEqualTo((short) 3);
        assertThat(row.getByte(3)).isEqualTo((byte) -4);
        assertThat(row.getBoolean(4)).isTrue();
        assertThat(row.getDouble(5)).isEqualTo(1.5d);
        assertThat(row.getFloat(6)).isEqualTo(2.5f);
        assertThat(row.getString(7).toString())
                .isEqualTo("héllo wörld, a string longer than seven bytes");
        assertThat(row.getString(7))
                .isEqualTo(StringData.fromString("héllo wörld, a string longer than seven bytes"));
        assertThat(row.getString(8).toString()).isEqualTo("vc");
        assertThat(row.getString(9).toString()).isEqualTo("ch");
        assertThat(row.getBinary(10)).containsExactly(0x00, 0xff);
        assertThat(row.getTimestamp(11, 3))
                .isEqualTo(TimestampData.fromEpochMillis(-1_704_067_200_123L));
        assertThat(row.getInt(12)).isEqualTo((int) LocalDate.of(2024, 2, 29).toEpochDay());
        assertThat(row.getTimestamp(13, 9))
                .isEqualTo(TimestampData.fromInstant(Instant.ofEpochSecond(-1L, 123_456_789)));
        assertThat(row.getTimestamp(13, 9).getMillisecond()).isEqualTo(-877L);
        assertThat(row.getTimestamp(13, 9).getNanoOfMillisecond()).isEqualTo(456_789);
        assertThat(row.getTimestamp(14, 9))
                .isEqualTo(
                        TimestampData.fromLocalDateTime(LocalDateTime.of(2024, 1, 1, 0, 0, 0, 5)));
        assertThat(row.getDecimal(15, 18, 3))
                .isEqualTo(DecimalData.fromUnscaledLong(-12_345_678L, 18, 3));
        assertThat(row.getDecimal(16, 38, 10).toBigDecimal())
                .isEqualTo(new BigDecimal("1234567890123456789012.3456789012"));
        assertThat(row.getLong(17)).isEqualTo(90_061_001L);
        assertThat(row.getInt(18)).isEqualTo(14);
        assertThat(row.getArray(19).size()).isEqualTo(3);
        assertThat(row.getArray(19).getLong(0)).isEqualTo(1L);
        assertThat(row.getArray(19).isNullAt(1)).isTrue();
        assertThat(row.getArray(19).getLong(2)).isEqualTo(3L);
        assertThat(row.getMap(20).size()).isEqualTo(2);
        assertThat(row.getMap(20).keyArray().getString(0).toString()).isEqualTo("k");
        assertThat(row.getMap(20).valueArray().getLong(0)).isEqualTo(1L);
        assertThat(row.getMap(20).valueArray().isNullAt(1)).isTrue();
        assertThat(row.getRow(21, 2).getLong(0)).isEqualTo(7L);
        assertThat(row.getRow(21, 2).getString(1).toString()).isEqualTo("x");
        assertThat(row.getString(22).toString()).isEqualTo("{\"a\":1}");

        assertThat(row).isEqualTo(d.deserialize(allTypesRow(), PartitionSpec.empty()));
        assertThat(reader.next()).isNull();
    }

    @Test
    void nullsStayNullAndTheNextRowReusesNothing() throws IOException {
        RowType type = TunnelTypeMapping.toRowType(ALL_TYPES);
        RowDataTunnelRecordDeserializer d = deserializer(type, null);
        d.open(TableSchema.of(ALL_TYPES));
        Object[] second = allTypesRow();
        second[7] = "second";
        RecordStreamReader reader =
                stream(ALL_TYPES, allTypesRow(), new Object[ALL_TYPES.size()], second);
        RowData first = d.deserialize(reader.next(), PartitionSpec.empty());
        RowData nulls = d.deserialize(reader.next(), PartitionSpec.empty());
        RowData third = d.deserialize(reader.next(), PartitionSpec.empty());
        for (int i = 0; i < ALL_TYPES.size(); i++) {
            assertThat(nulls.isNullAt(i)).as(ALL_TYPES.get(i).name()).isTrue();
        }
        // rows read earlier keep their values after the view moved on
        assertThat(first.getString(7).toString())
                .isEqualTo("héllo wörld, a string longer than seven bytes");
        assertThat(first.getString(8).toString()).isEqualTo("vc");
        assertThat(third.getString(7).toString()).isEqualTo("second");
        assertThat(third.getString(9).toString()).isEqualTo("ch");
    }

    @Test
    void partitionKeysAndProjectionAsOnTheValuesPath() throws IOException {
        TableSchema schema =
                new TableSchema(
                        List.of(
                                Column.of("id", "bigint"),
                                Column.of("name", "string"),
                                Column.of("score", "double")),
                        List.of(
                                Column.of("ds", "string"),
                                Column.of("hh", "bigint"),
                                Column.of("region", "int")));
        RowType type =
                (RowType)
                        DataTypes.ROW(
                                        DataTypes.FIELD("NAME", DataTypes.STRING()),
                                        DataTypes.FIELD("hh", DataTypes.BIGINT()),
                                        DataTypes.FIELD("score", DataTypes.DOUBLE()),
                                        DataTypes.FIELD("ds", DataTypes.VARCHAR(8)),
                                        DataTypes.FIELD("region", DataTypes.INT()),
                                        DataTypes.FIELD("id", DataTypes.BIGINT()))
                                .getLogicalType();
        RowDataTunnelRecordDeserializer d = deserializer(type, null);
        List<String> read = d.open(schema);
        assertThat(read).containsExactly("name", "score", "id");
        List<Column> columns = schema.project(read).columns();
        RecordStreamReader reader =
                stream(columns, new Object[] {"a", 1.5, 7L}, new Object[] {null, null, 8L});
        PartitionSpec p1 = PartitionSpec.parse("ds=20240101,hh=08,region=3");
        PartitionSpec p2 = PartitionSpec.parse("ds=20240102,hh=09,region=-1");

        RowData row = d.deserialize(reader.next(), p1);
        assertThat(row).isInstanceOf(BinaryRowData.class);
        assertThat(row.getArity()).isEqualTo(6);
        assertThat(row.getString(0)).isEqualTo(StringData.fromString("a"));
        assertThat(row.getLong(1)).isEqualTo(8L);
        assertThat(row.getDouble(2)).isEqualTo(1.5);
        assertThat(row.getString(3)).isEqualTo(StringData.fromString("20240101"));
        assertThat(row.getInt(4)).isEqualTo(3);
        assertThat(row.getLong(5)).isEqualTo(7L);
        assertThat(asBinary(type, row))
                .isEqualTo(asBinary(type, d.deserialize(new Object[] {"a", 1.5, 7L}, p1)));

        RowData next = d.deserialize(reader.next(), p2);
        assertThat(next.isNullAt(0)).isTrue();
        assertThat(next.getLong(1)).isEqualTo(9L);
        assertThat(next.isNullAt(2)).isTrue();
        assertThat(next.getString(3)).isEqualTo(StringData.fromString("20240102"));
        assertThat(next.getInt(4)).isEqualTo(-1);
        assertThat(next.getLong(5)).isEqualTo(8L);
        assertThat(asBinary(type, next))
                .isEqualTo(asBinary(type, d.deserialize(new Object[] {null, null, 8L}, p2)));
    }

    @Test
    void onlyPartitionKeysReadTheFirstColumnAlongAndDropIt() throws IOException {
        TableSchema schema =
                new TableSchema(
                        List.of(Column.of("id", "bigint"), Column.of("name", "string")),
                        List.of(Column.of("ds", "string")));
        RowType type =
                (RowType) DataTypes.ROW(DataTypes.FIELD("ds", DataTypes.STRING())).getLogicalType();
        RowDataTunnelRecordDeserializer d = deserializer(type, null);
        assertThat(d.open(schema)).containsExactly("id");
        RecordStreamReader reader = stream(List.of(Column.of("id", "bigint")), new Object[] {5L});
        RowData row = d.deserialize(reader.next(), PartitionSpec.parse("ds=x"));
        assertThat(row.getArity()).isEqualTo(1);
        assertThat(row.getString(0)).isEqualTo(StringData.fromString("x"));
    }

    @Test
    void aNullInANotNullFieldNamesTheColumn() throws IOException {
        List<Column> columns = List.of(Column.of("id", "bigint"), Column.of("name", "string"));
        RowType type =
                (RowType)
                        DataTypes.ROW(
                                        DataTypes.FIELD("id", DataTypes.BIGINT()),
                                        DataTypes.FIELD("name", DataTypes.STRING().notNull()))
                                .getLogicalType();
        RowDataTunnelRecordDeserializer d = deserializer(type, null);
        d.open(TableSchema.of(columns));
        RecordView view = stream(columns, new Object[] {1L, null}).next();
        assertThatThrownBy(() -> d.deserialize(view, PartitionSpec.empty()))
                .isInstanceOf(ValueConversionException.class)
                .hasMessage("Column 'name' is read as a NOT NULL field, but the value is NULL");
    }

    @Test
    void aValueFlinkCannotHoldFailsNamingColumnAndValueOnBothRowPaths() throws IOException {
        // Flink keeps a day-time interval as a long of milliseconds: 10^17 s does not fit
        java.time.Duration huge = java.time.Duration.ofSeconds(100_000_000_000_000_000L);
        String expected =
                "Value "
                        + huge
                        + " of column 'iv' cannot be read as MaxCompute type interval_day_time:"
                        + " long overflow";
        List<Column> flat = List.of(Column.of("iv", "interval_day_time"));
        List<Column> nested =
                List.of(Column.of("iv", "interval_day_time"), Column.of("a", "array<bigint>"));
        for (List<Column> columns : List.of(flat, nested)) {
            RowType type =
                    (RowType)
                            DataTypes.ROW(
                                            columns.size() == 1
                                                    ? new DataTypes.Field[] {
                                                        DataTypes.FIELD(
                                                                "iv",
                                                                DataTypes.INTERVAL(
                                                                        DataTypes.DAY(6),
                                                                        DataTypes.SECOND(3)))
                                                    }
                                                    : new DataTypes.Field[] {
                                                        DataTypes.FIELD(
                                                                "iv",
                                                                DataTypes.INTERVAL(
                                                                        DataTypes.DAY(6),
                                                                        DataTypes.SECOND(3))),
                                                        DataTypes.FIELD(
                                                                "a",
                                                                DataTypes.ARRAY(DataTypes.BIGINT()))
                                                    })
                                    .getLogicalType();
            RowDataTunnelRecordDeserializer d = deserializer(type, null);
            d.open(TableSchema.of(columns));
            Object[] values = columns.size() == 1 ? new Object[] {huge} : new Object[] {huge, null};
            RecordView view = stream(columns, values).next();
            assertThatThrownBy(() -> d.deserialize(view, PartitionSpec.empty()))
                    .as(columns.toString())
                    .isInstanceOf(ValueConversionException.class)
                    .hasMessage(expected);
        }
    }

    @Test
    void decimalsAreRescaledAndCheckedAsOnTheValuesPath() throws IOException {
        List<Column> columns = List.of(Column.of("d", TypeInfo.decimal(38, 4)));
        RowType narrow =
                (RowType)
                        DataTypes.ROW(DataTypes.FIELD("d", DataTypes.DECIMAL(6, 2)))
                                .getLogicalType();
        RowDataTunnelRecordDeserializer d = deserializer(narrow, null);
        d.open(TableSchema.of(columns));
        String[] fits = {"1.5", "-1234.5", "0.0049", "0.0050", "-9999.994", "12"};
        for (String text : fits) {
            RecordView view = stream(columns, new Object[] {new BigDecimal(text)}).next();
            RowData row = d.deserialize(view, PartitionSpec.empty());
            assertThat(row.getDecimal(0, 6, 2))
                    .as(text)
                    .isEqualTo(DecimalData.fromBigDecimal(new BigDecimal(text), 6, 2));
            assertThat(asBinary(narrow, row))
                    .as(text)
                    .isEqualTo(
                            asBinary(
                                    narrow,
                                    d.deserialize(
                                            new Object[] {new BigDecimal(text)},
                                            PartitionSpec.empty())));
        }
        RecordView tooBig = stream(columns, new Object[] {new BigDecimal("10000")}).next();
        assertThatThrownBy(() -> d.deserialize(tooBig, PartitionSpec.empty()))
                .isInstanceOf(ValueConversionException.class)
                .hasMessage("Value 10000 of column 'd' does not fit DECIMAL(6, 2)");
        RecordView roundsOver = stream(columns, new Object[] {new BigDecimal("9999.995")}).next();
        assertThatThrownBy(() -> d.deserialize(roundsOver, PartitionSpec.empty()))
                .isInstanceOf(ValueConversionException.class)
                .hasMessage("Value 9999.995 of column 'd' does not fit DECIMAL(6, 2)");
    }

    @Test
    void decimalsOfASmallerScaleAreScaledUpWithoutBigDecimal() throws IOException {
        List<Column> columns = List.of(Column.of("d", TypeInfo.decimal(10, 2)));
        RowType wider =
                (RowType)
                        DataTypes.ROW(DataTypes.FIELD("d", DataTypes.DECIMAL(9, 4)))
                                .getLogicalType();
        RowDataTunnelRecordDeserializer d = deserializer(wider, null);
        d.open(TableSchema.of(columns));
        for (String text : new String[] {"1.50", "-99999.99", "0.00", "99999.99"}) {
            RecordView view = stream(columns, new Object[] {new BigDecimal(text)}).next();
            assertThat(d.deserialize(view, PartitionSpec.empty()).getDecimal(0, 9, 4))
                    .as(text)
                    .isEqualTo(DecimalData.fromBigDecimal(new BigDecimal(text), 9, 4));
        }
        RecordView tooBig = stream(columns, new Object[] {new BigDecimal("100000.00")}).next();
        assertThatThrownBy(() -> d.deserialize(tooBig, PartitionSpec.empty()))
                .isInstanceOf(ValueConversionException.class)
                .hasMessage("Value 100000.00 of column 'd' does not fit DECIMAL(9, 4)");
    }

    @Test
    void instantsReadIntoTimestampFieldsInTheSessionZone() throws IOException {
        List<Column> columns = List.of(Column.of("t", "timestamp"), Column.of("d", "datetime"));
        RowType type =
                (RowType)
                        DataTypes.ROW(
                                        DataTypes.FIELD("t", DataTypes.TIMESTAMP(9)),
                                        DataTypes.FIELD("d", DataTypes.TIMESTAMP(3)))
                                .getLogicalType();
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        RowDataTunnelRecordDeserializer d = deserializer(type, shanghai);
        d.open(TableSchema.of(columns));
        Instant t = Instant.parse("2024-01-01T00:00:00.123456789Z");
        Instant dt = Instant.parse("2024-06-30T16:30:00.250Z");
        RowData row =
                d.deserialize(stream(columns, new Object[] {t, dt}).next(), PartitionSpec.empty());
        assertThat(row.getTimestamp(0, 9).toLocalDateTime())
                .isEqualTo(LocalDateTime.of(2024, 1, 1, 8, 0, 0, 123_456_789));
        assertThat(row.getTimestamp(1, 3).toLocalDateTime())
                .isEqualTo(LocalDateTime.of(2024, 7, 1, 0, 30, 0, 250_000_000));
    }

    @Test
    void aViewOverValuesGivesTheSameRow() throws IOException {
        RowType type = TunnelTypeMapping.toRowType(ALL_TYPES);
        RowDataTunnelRecordDeserializer d = deserializer(type, null);
        d.open(TableSchema.of(ALL_TYPES));
        RowData fromValues = d.deserialize(allTypesRow(), PartitionSpec.empty());
        RowData fromAdapter =
                d.deserialize(new ValuesRecordView(allTypesRow()), PartitionSpec.empty());
        RowData fromStream =
                d.deserialize(stream(ALL_TYPES, allTypesRow()).next(), PartitionSpec.empty());
        assertThat(fromAdapter).isEqualTo(fromValues);
        assertThat(fromStream).isEqualTo(fromValues);
    }

    @Test
    void aValuesDeserializerGetsTheBoxedValuesAndOneWithNeitherMethodFails() throws IOException {
        List<Column> columns = List.of(Column.of("id", "bigint"), Column.of("name", "string"));
        TunnelRecordDeserializer<Object[]> values =
                new TunnelRecordDeserializer<>() {
                    @Override
                    public List<String> open(TableSchema schema) {
                        return List.of("id", "name");
                    }

                    @Override
                    public Object[] deserialize(Object[] v, PartitionSpec partition) {
                        return v;
                    }

                    @Override
                    public TypeInformation<Object[]> getProducedType() {
                        return TypeInformation.of(Object[].class);
                    }
                };
        RecordView view = stream(columns, new Object[] {4L, "four"}).next();
        assertThat(values.deserialize(view, PartitionSpec.empty())).containsExactly(4L, "four");

        TunnelRecordDeserializer<String> neither =
                new TunnelRecordDeserializer<>() {
                    @Override
                    public List<String> open(TableSchema schema) {
                        return List.of("id");
                    }

                    @Override
                    public TypeInformation<String> getProducedType() {
                        return TypeInformation.of(String.class);
                    }
                };
        assertThatThrownBy(() -> neither.deserialize(view, PartitionSpec.empty()))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageEndingWith(
                        "implements neither deserialize(RecordView, PartitionSpec) nor"
                                + " deserialize(Object[], PartitionSpec)");
    }

    @Test
    void malformedUtf8ReadsAsTheValuesPathReadsItAndOnlyStringsAreCopied() throws IOException {
        List<Column> columns =
                List.of(
                        Column.of("a", "string"),
                        Column.of("img", "binary"),
                        Column.of("b", "string"),
                        Column.of("c", "string"));
        RowType type = TunnelTypeMapping.toRowType(columns);
        RowDataTunnelRecordDeserializer d = deserializer(type, null);
        d.open(TableSchema.of(columns));
        byte[] gbk = {(byte) 0xD6, (byte) 0xD0};
        Object[] row = {"ok", new byte[100_000], gbk, "tail"};
        RowData viaView = d.deserialize(stream(columns, row).next(), PartitionSpec.empty());
        RowData viaValues = d.deserialize(stream(columns, row).read(), PartitionSpec.empty());
        assertThat(viaView.getString(2)).isEqualTo(viaValues.getString(2));
        assertThat(viaView.getString(2).toString()).isEqualTo("\uFFFD\uFFFD");
        assertThat(viaView.getString(0).toString()).isEqualTo("ok");
        assertThat(viaView.getString(3).toString()).isEqualTo("tail");
        // one array for the row: the binary value in the variable part, the strings (up to seven
        // bytes, "\uFFFD\uFFFD" has six) inline in the fixed part's 8 + 4 * 8 bytes
        assertThat(viaView).isInstanceOf(BinaryRowData.class);
        assertThat(((BinaryRowData) viaView).getSizeInBytes()).isEqualTo(40 + 100_000);
        assertThat(((BinaryRowData) viaView).getSegments()).hasSize(1);
    }

    @Test
    void flatTablesReadIntoBinaryRowsOthersIntoGenericRows() throws IOException {
        List<Column> flat = ALL_TYPES.stream().filter(c -> !c.type().type().isNested()).toList();
        RowDataTunnelRecordDeserializer d = deserializer(TunnelTypeMapping.toRowType(flat), null);
        d.open(TableSchema.of(flat));
        Object[] values = allTypesRow();
        Object[] flatValues =
                IntStream.range(0, ALL_TYPES.size())
                        .filter(i -> !ALL_TYPES.get(i).type().type().isNested())
                        .mapToObj(i -> values[i])
                        .toArray();
        RowData row = d.deserialize(stream(flat, flatValues).next(), PartitionSpec.empty());
        assertThat(row).isInstanceOf(BinaryRowData.class);
        RowType flatType = TunnelTypeMapping.toRowType(flat);
        assertThat(row)
                .isEqualTo(asBinary(flatType, d.deserialize(flatValues, PartitionSpec.empty())));

        RowDataTunnelRecordDeserializer nested =
                deserializer(TunnelTypeMapping.toRowType(ALL_TYPES), null);
        nested.open(TableSchema.of(ALL_TYPES));
        assertThat(
                        nested.deserialize(
                                stream(ALL_TYPES, allTypesRow()).next(), PartitionSpec.empty()))
                .isInstanceOf(GenericRowData.class);

        // a compact timestamp would drop the nanos the generic row keeps
        List<Column> timestamp = List.of(Column.of("t", "timestamp"));
        RowDataTunnelRecordDeserializer millis =
                deserializer(
                        (RowType)
                                DataTypes.ROW(DataTypes.FIELD("t", DataTypes.TIMESTAMP_LTZ(3)))
                                        .getLogicalType(),
                        null);
        millis.open(TableSchema.of(timestamp));
        RowData t =
                millis.deserialize(
                        stream(timestamp, new Object[] {Instant.ofEpochSecond(1, 123_456_789)})
                                .next(),
                        PartitionSpec.empty());
        assertThat(t).isInstanceOf(GenericRowData.class);
        assertThat(t.getTimestamp(0, 3).getNanoOfMillisecond()).isEqualTo(456_789);
    }

    @Test
    void randomRowsWithPartitionValuesAreFlinksBinaryRowsOfTheValuesPathsRows() throws IOException {
        TableSchema schema =
                new TableSchema(
                        List.of(
                                Column.of("id", "bigint"),
                                Column.of("name", "string"),
                                Column.of("score", "double"),
                                Column.of("amount", TypeInfo.decimal(30, 6)),
                                Column.of("at", "timestamp"),
                                Column.of("small", "decimal(9,2)")),
                        List.of(
                                Column.of("ds", "string"),
                                Column.of("hh", "bigint"),
                                Column.of("region", "int")));
        RowType type =
                (RowType)
                        DataTypes.ROW(
                                        DataTypes.FIELD("small", DataTypes.DECIMAL(9, 2)),
                                        DataTypes.FIELD("ds", DataTypes.STRING()),
                                        DataTypes.FIELD("name", DataTypes.STRING()),
                                        DataTypes.FIELD("hh", DataTypes.BIGINT()),
                                        DataTypes.FIELD("at", DataTypes.TIMESTAMP_LTZ(9)),
                                        DataTypes.FIELD("region", DataTypes.SMALLINT()),
                                        DataTypes.FIELD("amount", DataTypes.DECIMAL(30, 6)),
                                        DataTypes.FIELD("id", DataTypes.BIGINT().notNull()))
                                .getLogicalType();
        // the region key as SMALLINT: the field's type decides how the value is parsed
        RowDataTunnelRecordDeserializer d = deserializer(type, null);
        List<String> read = d.open(schema);
        assertThat(read).containsExactly("small", "name", "at", "amount", "id");
        List<Column> columns = schema.project(read).columns();
        Random random = new Random(18);
        PartitionSpec[] partitions = {
            PartitionSpec.parse("ds=20240101,hh=08,region=3"),
            PartitionSpec.parse("ds=a_partition_value_longer_than_7,hh=-1,region=-300")
        };
        for (int round = 0; round < 300; round++) {
            Object[] values = {
                random.nextBoolean()
                        ? null
                        : BigDecimal.valueOf(random.nextInt(2_000_000_000) - 1_000_000_000, 2),
                random.nextBoolean() ? null : "x".repeat(random.nextInt(12)),
                random.nextBoolean()
                        ? null
                        : Instant.ofEpochSecond(random.nextInt(), random.nextInt(1_000_000_000)),
                random.nextBoolean()
                        ? null
                        : new BigDecimal(new BigInteger(70, random), random.nextInt(7)),
                random.nextLong()
            };
            PartitionSpec p = partitions[round / 10 % 2];
            RowData viaView = d.deserialize(stream(columns, values).next(), p);
            assertThat(viaView).isInstanceOf(BinaryRowData.class);
            assertThat(viaView)
                    .as("round %s", round)
                    .isEqualTo(asBinary(type, d.deserialize(values, p)));
        }
    }
}
