package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.flink.convert.TunnelTypeMapping;

import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows of a table with every column type the RowData serializer writes: the RowData a job sends for
 * an id, the values the table must then hold for it, and the normalisation of committed rows
 * (STRING bytes as text, BINARY as hex) for an exact comparison.
 */
final class AllTypesRows {

    static final String DDL_COLUMNS =
            "c_bigint BIGINT, c_int INT, c_smallint SMALLINT, c_tinyint TINYINT,"
                    + " c_boolean BOOLEAN, c_double DOUBLE, c_float FLOAT, c_string STRING,"
                    + " c_varchar VARCHAR(20), c_char CHAR(10), c_binary BINARY,"
                    + " c_decimal DECIMAL(18,3), c_date DATE, c_datetime DATETIME,"
                    + " c_timestamp TIMESTAMP, c_timestamp_ntz TIMESTAMP_NTZ, c_json JSON,"
                    + " c_array ARRAY<BIGINT>, c_map MAP<STRING,INT>,"
                    + " c_struct STRUCT<a:INT,b:STRING>";

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
                    Column.of("c_varchar", "varchar(20)"),
                    Column.of("c_char", "char(10)"),
                    Column.of("c_binary", "binary"),
                    Column.of("c_decimal", "decimal(18,3)"),
                    Column.of("c_date", "date"),
                    Column.of("c_datetime", "datetime"),
                    Column.of("c_timestamp", "timestamp"),
                    Column.of("c_timestamp_ntz", "timestamp_ntz"),
                    Column.of("c_json", "json"),
                    Column.of("c_array", "array<bigint>"),
                    Column.of("c_map", "map<string,int>"),
                    Column.of("c_struct", "struct<a:int,b:string>"));

    private AllTypesRows() {}

    /** Partition value of an id for dynamic partitioning tests. */
    static String partitionOf(long id, int partitions) {
        return "p" + (id % partitions);
    }

    /** The row of {@code id}; every 7th row has NULL in every column but the id. */
    static GenericRowData row(long id, String partition) {
        GenericRowData row = new GenericRowData(COLUMNS.size() + (partition == null ? 0 : 1));
        row.setField(0, id);
        if (partition != null) {
            row.setField(COLUMNS.size(), StringData.fromString(partition));
        }
        if (id % 7 == 0) {
            return row;
        }
        row.setField(1, (int) id);
        row.setField(2, (short) (id % 30000));
        row.setField(3, (byte) (id % 100));
        row.setField(4, id % 2 == 0);
        row.setField(5, id * 0.5);
        row.setField(6, id * 0.25f);
        row.setField(7, StringData.fromString("s-" + id + "-\u00fc\u4e2d"));
        row.setField(8, StringData.fromString("v" + id));
        row.setField(9, StringData.fromString("c" + (id % 1000)));
        row.setField(10, new byte[] {(byte) id, 0, (byte) 0xff});
        row.setField(11, DecimalData.fromBigDecimal(BigDecimal.valueOf(id * 1001, 3), 18, 3));
        row.setField(12, (int) (19000 + id % 1000));
        row.setField(13, TimestampData.fromEpochMillis(1_700_000_000_000L + id * 1000 + 123));
        row.setField(
                14,
                TimestampData.fromInstant(Instant.ofEpochSecond(1_700_000_000L + id, 123_456_789)));
        row.setField(
                15,
                TimestampData.fromLocalDateTime(
                        LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(id).plusNanos(987_654_321)));
        row.setField(16, StringData.fromString("{\"id\":" + id + "}"));
        row.setField(17, new GenericArrayData(new Object[] {id, id + 1}));
        Map<StringData, Integer> map = new LinkedHashMap<>();
        map.put(StringData.fromString("k" + id), (int) id);
        row.setField(18, new GenericMapData(map));
        row.setField(19, GenericRowData.of((int) id, StringData.fromString("b" + id)));
        return row;
    }

    /** The normalised values the table must hold for {@code id}. */
    static List<Object> expected(long id) {
        List<Object> v = new ArrayList<>(Arrays.asList(new Object[COLUMNS.size()]));
        v.set(0, id);
        if (id % 7 == 0) {
            return v;
        }
        v.set(1, (int) id);
        v.set(2, (short) (id % 30000));
        v.set(3, (byte) (id % 100));
        v.set(4, id % 2 == 0);
        v.set(5, id * 0.5);
        v.set(6, id * 0.25f);
        v.set(7, "s-" + id + "-\u00fc\u4e2d");
        v.set(8, "v" + id);
        v.set(9, "c" + (id % 1000));
        v.set(10, HexFormat.of().formatHex(new byte[] {(byte) id, 0, (byte) 0xff}));
        v.set(11, BigDecimal.valueOf(id * 1001, 3));
        v.set(12, LocalDate.ofEpochDay(19000 + id % 1000));
        v.set(13, Instant.ofEpochMilli(1_700_000_000_000L + id * 1000 + 123));
        v.set(14, Instant.ofEpochSecond(1_700_000_000L + id, 123_456_789));
        v.set(15, LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(id).plusNanos(987_654_321));
        v.set(16, "{\"id\":" + id + "}");
        v.set(17, List.of(id, id + 1));
        v.set(18, Map.of("k" + id, (int) id));
        v.set(19, List.of((int) id, "b" + id));
        return v;
    }

    /** A committed row with STRING values as text, BINARY as hex and nested values as lists. */
    static List<Object> normalize(Object[] row) {
        List<Object> out = new ArrayList<>(COLUMNS.size());
        for (int i = 0; i < COLUMNS.size(); i++) {
            out.add(normalize(COLUMNS.get(i).type(), row[i]));
        }
        return out;
    }

    private static Object normalize(TypeInfo type, Object v) {
        if (v == null) {
            return null;
        }
        switch (type.type()) {
            case STRING:
                return v instanceof byte[] ? new String((byte[]) v, StandardCharsets.UTF_8) : v;
            case BINARY:
                return HexFormat.of().formatHex((byte[]) v);
            case ARRAY:
                {
                    List<Object> list = new ArrayList<>();
                    for (Object e : (List<?>) v) {
                        list.add(normalize(type.elementType(), e));
                    }
                    return list;
                }
            case MAP:
                {
                    Map<Object, Object> map = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                        map.put(
                                normalize(type.keyType(), e.getKey()),
                                normalize(type.valueType(), e.getValue()));
                    }
                    return map;
                }
            case STRUCT:
                {
                    List<Object> list = new ArrayList<>();
                    List<?> values =
                            v instanceof Object[] ? Arrays.asList((Object[]) v) : (List<?>) v;
                    for (int i = 0; i < values.size(); i++) {
                        list.add(normalize(type.fields().get(i).type(), values.get(i)));
                    }
                    return list;
                }
            default:
                return v;
        }
    }

    /**
     * Serializes ids as the rows above through {@link RowDataTunnelRecordSerializer} (the job's
     * elements are ids so that no RowData type information is needed).
     */
    static final class Serializer implements TunnelRecordSerializer<Long> {
        private static final long serialVersionUID = 1L;
        private final int partitions;
        private final RowDataTunnelRecordSerializer delegate;

        /**
         * @param partitions number of dynamic partitions {@code ds=p<id % partitions>}, or 0 for a
         *     static partition
         */
        Serializer(int partitions) {
            this.partitions = partitions;
            List<Column> fields = new ArrayList<>(COLUMNS);
            if (partitions > 0) {
                fields.add(Column.of("ds", "string"));
            }
            this.delegate = new RowDataTunnelRecordSerializer(TunnelTypeMapping.toRowType(fields));
        }

        @Override
        public void open(TableSchema schema, boolean withPartitionValues) {
            delegate.open(schema, withPartitionValues);
        }

        @Override
        public void serialize(Long id, RecordFieldWriter record) {
            delegate.serialize(
                    row(id, partitions > 0 ? partitionOf(id, partitions) : null), record);
        }
    }
}
