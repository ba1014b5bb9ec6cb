package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.schema.Column;

import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.RowType;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The RowData writer of the sinks writes exactly the records the {@code Object[]} converters give,
 * from generic rows and from binary rows read in place.
 */
class RowDataRecordWriterTest {

    private static final List<Column> EVENTS =
            List.of(
                    Column.of("id", "bigint"),
                    Column.of("s", "string"),
                    Column.of("country", "varchar(8)"),
                    Column.of("amount", "decimal(18,4)"),
                    Column.of("big", "decimal(38,10)"),
                    Column.of("ts", "timestamp"),
                    Column.of("ts3", "datetime"),
                    Column.of("ntz", "timestamp_ntz"),
                    Column.of("j", "json"),
                    Column.of("widened", "bigint"));

    private static final RowType EVENT_TYPE =
            (RowType)
                    org.apache.flink.table.types.utils.TypeConversions.fromDataToLogicalType(
                            org.apache.flink.table.api.DataTypes.ROW(
                                    org.apache.flink.table.api.DataTypes.FIELD(
                                            "id", org.apache.flink.table.api.DataTypes.BIGINT()),
                                    org.apache.flink.table.api.DataTypes.FIELD(
                                            "s", org.apache.flink.table.api.DataTypes.STRING()),
                                    org.apache.flink.table.api.DataTypes.FIELD(
                                            "country",
                                            org.apache.flink.table.api.DataTypes.VARCHAR(8)),
                                    org.apache.flink.table.api.DataTypes.FIELD(
                                            "amount",
                                            org.apache.flink.table.api.DataTypes.DECIMAL(18, 4)),
                                    org.apache.flink.table.api.DataTypes.FIELD(
                                            "big",
                                            org.apache.flink.table.api.DataTypes.DECIMAL(38, 10)),
                                    org.apache.flink.table.api.DataTypes.FIELD(
                                            "ts",
                                            org.apache.flink.table.api.DataTypes.TIMESTAMP_LTZ(9)),
                                    org.apache.flink.table.api.DataTypes.FIELD(
                                            "ts3",
                                            org.apache.flink.table.api.DataTypes.TIMESTAMP_LTZ(3)),
                                    org.apache.flink.table.api.DataTypes.FIELD(
                                            "ntz",
                                            org.apache.flink.table.api.DataTypes.TIMESTAMP(9)),
                                    org.apache.flink.table.api.DataTypes.FIELD(
                                            "j", org.apache.flink.table.api.DataTypes.STRING()),
                                    org.apache.flink.table.api.DataTypes.FIELD(
                                            "widened",
                                            org.apache.flink.table.api.DataTypes.INT())));

    private static GenericRowData event(long id, String s, String country) {
        return GenericRowData.of(
                id,
                s == null ? null : StringData.fromString(s),
                StringData.fromString(country),
                DecimalData.fromBigDecimal(new BigDecimal("-123.4500"), 18, 4),
                DecimalData.fromBigDecimal(
                        new BigDecimal("12345678901234567890.0123456789"), 38, 10),
                TimestampData.fromInstant(Instant.ofEpochSecond(-1, 123_456_789)),
                TimestampData.fromEpochMillis(1_765_000_000_123L),
                TimestampData.fromEpochMillis(-1, 999_999),
                StringData.fromString("{\"k\":\"" + s + "\"}"),
                -42);
    }

    /** Strings of every length class: empty, inline in the fixed part (up to 7 bytes), longer. */
    private static List<GenericRowData> events() {
        List<GenericRowData> rows = new ArrayList<>();
        String[] strings = {
            "", "a", "abc", "1234567", "12345678", "héllo", "😀😀", "x".repeat(300), null
        };
        String[] countries = {"", "de", "ü", "12345678", "日本"};
        for (int i = 0; i < strings.length; i++) {
            rows.add(event(i, strings[i], countries[i % countries.length]));
        }
        return rows;
    }

    private static String viaConverter(
            List<? extends RowData> rows, List<Column> columns, RowType type) throws IOException {
        RowDataToRecordConverter converter = RowDataToRecordConverter.create(type, columns);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(columns, out);
        for (RowData r : rows) {
            w.write(converter.convert(r));
        }
        w.finish();
        return HexFormat.of().formatHex(out.toByteArray());
    }

    private static String viaWriter(
            List<? extends RowData> rows, List<Column> columns, RowType type) throws IOException {
        RowDataRecordWriter writer = RowDataRecordWriter.create(type, columns, ZoneId.of("UTC"));
        StagedRecord record = new StagedRecord(columns);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(columns, out);
        for (RowData r : rows) {
            record.clear();
            writer.write(r, record);
            record.writeTo(w, columns.size());
        }
        w.finish();
        return HexFormat.of().formatHex(out.toByteArray());
    }

    private static List<BinaryRowData> binary(List<GenericRowData> rows, RowType type) {
        RowDataSerializer serializer = new RowDataSerializer(type);
        List<BinaryRowData> binary = new ArrayList<>();
        for (GenericRowData r : rows) {
            binary.add(serializer.toBinaryRow(r).copy());
        }
        return binary;
    }

    @Test
    void genericAndBinaryRowsGiveTheConvertersRecordsByteForByte() throws IOException {
        List<GenericRowData> rows = events();
        String expected = viaConverter(rows, EVENTS, EVENT_TYPE);
        assertThat(viaWriter(rows, EVENTS, EVENT_TYPE)).isEqualTo(expected);
        assertThat(viaWriter(binary(rows, EVENT_TYPE), EVENTS, EVENT_TYPE)).isEqualTo(expected);
    }

    @Test
    void everyTypeOfTheConvertersTestGivesTheSameRecord() throws IOException {
        List<GenericRowData> rows = List.of(RowDataConvertersTest.fullRow());
        String expected =
                viaConverter(rows, RowDataConvertersTest.COLUMNS, RowDataConvertersTest.ROW_TYPE);
        assertThat(viaWriter(rows, RowDataConvertersTest.COLUMNS, RowDataConvertersTest.ROW_TYPE))
                .isEqualTo(expected);
        assertThat(
                        viaWriter(
                                binary(rows, RowDataConvertersTest.ROW_TYPE),
                                RowDataConvertersTest.COLUMNS,
                                RowDataConvertersTest.ROW_TYPE))
                .isEqualTo(expected);
    }

    @Test
    void aTooLongVarcharAndANullInANotNullColumnFailAsTheConvertersDo() {
        List<Column> columns =
                List.of(
                        Column.of("country", "varchar(3)"),
                        new Column(
                                "id",
                                io.github.mctunnel.client.schema.TypeInfo.parse("bigint"),
                                false,
                                "",
                                null));
        RowType type =
                (RowType)
                        org.apache.flink.table.types.utils.TypeConversions.fromDataToLogicalType(
                                org.apache.flink.table.api.DataTypes.ROW(
                                        org.apache.flink.table.api.DataTypes.FIELD(
                                                "country",
                                                org.apache.flink.table.api.DataTypes.STRING()),
                                        org.apache.flink.table.api.DataTypes.FIELD(
                                                "id",
                                                org.apache.flink.table.api.DataTypes.BIGINT())));
        RowDataRecordWriter writer = RowDataRecordWriter.create(type, columns, null);
        RowDataToRecordConverter converter = RowDataToRecordConverter.create(type, columns);
        for (RowData row :
                List.of(
                        GenericRowData.of(StringData.fromString("日本語x"), 1L),
                        binary(List.of(GenericRowData.of(StringData.fromString("日本語x"), 1L)), type)
                                .get(0))) {
            StagedRecord record = new StagedRecord(columns);
            assertThatThrownBy(() -> writer.write(row, record))
                    .isInstanceOf(ValueConversionException.class)
                    .hasMessage(
                            "Value '日本語x' of column 'country' has 4 characters, more than"
                                    + " varchar(3) allows")
                    .hasMessage(catchMessage(() -> converter.convert(row)));
        }
        StagedRecord record = new StagedRecord(columns);
        // 3 characters in 9 bytes fit
        writer.write(GenericRowData.of(StringData.fromString("日本語"), 1L), record);
        assertThat(record.text(0)).isEqualTo("日本語");
        assertThatThrownBy(
                        () ->
                                writer.write(
                                        GenericRowData.of(StringData.fromString("ok"), null),
                                        record))
                .isInstanceOf(ValueConversionException.class)
                .hasMessage("Column 'id' is NOT NULL, but the value is NULL");
    }

    @Test
    void malformedUtf8TakesTheConvertersStringIntoVarcharAndJsonAndStaysRawInString()
            throws IOException {
        List<Column> columns =
                List.of(
                        Column.of("v", "varchar(3)"),
                        Column.of("j", "json"),
                        Column.of("s", "string"));
        RowType type =
                (RowType)
                        org.apache.flink.table.types.utils.TypeConversions.fromDataToLogicalType(
                                org.apache.flink.table.api.DataTypes.ROW(
                                        org.apache.flink.table.api.DataTypes.FIELD(
                                                "v", org.apache.flink.table.api.DataTypes.STRING()),
                                        org.apache.flink.table.api.DataTypes.FIELD(
                                                "j", org.apache.flink.table.api.DataTypes.STRING()),
                                        org.apache.flink.table.api.DataTypes.FIELD(
                                                "s",
                                                org.apache.flink.table.api.DataTypes.STRING())));
        byte[] truncated = {'a', (byte) 0xC3};
        GenericRowData row =
                GenericRowData.of(
                        StringData.fromBytes(truncated),
                        StringData.fromBytes(truncated),
                        StringData.fromBytes(truncated));
        List<GenericRowData> rows = List.of(row);
        assertThat(viaWriter(rows, columns, type)).isEqualTo(viaConverter(rows, columns, type));
        assertThat(viaWriter(binary(rows, type), columns, type))
                .isEqualTo(viaConverter(rows, columns, type));
        // four stray continuation bytes and a letter: five characters once decoded
        GenericRowData tooLong =
                GenericRowData.of(
                        StringData.fromBytes(
                                new byte[] {
                                    (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 'a'
                                }),
                        StringData.fromString("{}"),
                        StringData.fromString("ok"));
        RowDataRecordWriter writer = RowDataRecordWriter.create(type, columns, null);
        RowDataToRecordConverter converter = RowDataToRecordConverter.create(type, columns);
        assertThatThrownBy(() -> writer.write(tooLong, new StagedRecord(columns)))
                .isInstanceOf(ValueConversionException.class)
                .hasMessage(catchMessage(() -> converter.convert(tooLong)));
    }

    private static String catchMessage(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        throw new AssertionError("no failure");
    }
}
