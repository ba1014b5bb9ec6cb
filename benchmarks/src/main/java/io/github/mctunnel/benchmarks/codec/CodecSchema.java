package io.github.mctunnel.benchmarks.codec;

import io.github.mctunnel.client.schema.Column;

import com.aliyun.odps.TableSchema;
import com.aliyun.odps.data.ArrayRecord;
import com.aliyun.odps.data.Record;
import com.aliyun.odps.data.SimpleStruct;
import com.aliyun.odps.type.StructTypeInfo;
import com.aliyun.odps.type.TypeInfo;
import com.aliyun.odps.type.TypeInfoParser;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The three record shapes the codec comparison runs on, as deterministic rows in both our value
 * mapping ({@code Object[]} for {@code RecordStreamWriter}) and the official SDK's ({@link
 * ArrayRecord}), with the same values.
 */
public enum CodecSchema {
    /** 4 numeric columns. */
    NARROW(List.of("bigint", "bigint", "double", "int")),
    /** 30 mixed columns: numbers, strings, decimals, date-times, dates, booleans; 10% nulls. */
    WIDE(wideTypes()),
    /** Nested types and long strings. */
    NESTED(
            List.of(
                    "bigint",
                    "array<bigint>",
                    "map<string,bigint>",
                    "struct<id:bigint,name:string,score:double>",
                    "string",
                    "string"));

    private static final Instant EPOCH_2024 = Instant.parse("2024-06-01T00:00:00Z");

    private final List<String> types;

    CodecSchema(List<String> types) {
        this.types = types;
    }

    private static List<String> wideTypes() {
        String[] cycle = {
            "bigint", "string", "double", "decimal(18,4)", "datetime", "boolean", "int", "date"
        };
        List<String> t = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            t.add(cycle[i % cycle.length]);
        }
        return t;
    }

    /** Our columns. */
    public List<Column> columns() {
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            columns.add(Column.of("c" + i, types.get(i)));
        }
        return columns;
    }

    /** The SDK's schema of the same columns. */
    public TableSchema sdkSchema() {
        TableSchema schema = new TableSchema();
        for (int i = 0; i < types.size(); i++) {
            schema.addColumn(
                    new com.aliyun.odps.Column(
                            "c" + i, TypeInfoParser.getTypeInfoFromTypeString(types.get(i))));
        }
        return schema;
    }

    /** {@code count} rows of our values, the same for the same seed. */
    public List<Object[]> rows(int count, long seed) {
        Random random = new Random(seed);
        List<Object[]> rows = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            Object[] row = new Object[types.size()];
            for (int c = 0; c < row.length; c++) {
                boolean nullable = this == WIDE && c > 0;
                row[c] = nullable && random.nextInt(10) == 0 ? null : value(types.get(c), random);
            }
            rows.add(row);
        }
        return rows;
    }

    /** The SDK's records of {@code rows}. */
    public List<Record> sdkRecords(List<Object[]> rows) {
        com.aliyun.odps.Column[] columns =
                sdkSchema().getColumns().toArray(new com.aliyun.odps.Column[0]);
        List<Record> records = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            ArrayRecord record = new ArrayRecord(columns);
            for (int c = 0; c < row.length; c++) {
                record.set(c, toSdk(columns[c].getTypeInfo(), row[c]));
            }
            records.add(record);
        }
        return records;
    }

    private Object value(String type, Random random) {
        switch (type) {
            case "bigint":
                return random.nextLong() >>> random.nextInt(64);
            case "int":
                return random.nextInt(1_000_000);
            case "double":
                return Math.round(random.nextDouble() * 1e6) / 100.0;
            case "boolean":
                return random.nextBoolean();
            case "decimal(18,4)":
                return BigDecimal.valueOf(random.nextLong() % 100_000_000_000_000L, 4);
            case "datetime":
                return EPOCH_2024.plusMillis(random.nextInt(86_400_000) * 30L);
            case "date":
                return LocalDate.of(2024, 1, 1).plusDays(random.nextInt(3650));
            case "string":
                return this == NESTED ? text(random, 1000) : text(random, 8 + random.nextInt(40));
            case "array<bigint>":
                {
                    List<Long> list = new ArrayList<>();
                    for (int i = random.nextInt(16); i > 0; i--) {
                        list.add(random.nextLong() >>> random.nextInt(64));
                    }
                    return list;
                }
            case "map<string,bigint>":
                {
                    Map<String, Long> map = new LinkedHashMap<>();
                    for (int i = random.nextInt(8); i > 0; i--) {
                        map.put("k" + random.nextInt(1000), (long) random.nextInt());
                    }
                    return map;
                }
            case "struct<id:bigint,name:string,score:double>":
                {
                    List<Object> fields = new ArrayList<>();
                    fields.add((long) random.nextInt());
                    fields.add(text(random, 16));
                    fields.add(random.nextDouble());
                    return fields;
                }
            default:
                throw new IllegalArgumentException(type);
        }
    }

    private static String text(Random random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(chars);
    }

    private static Object toSdk(TypeInfo type, Object v) {
        if (v instanceof Instant instant) {
            return instant.atZone(ZoneOffset.UTC);
        }
        if (v != null && type instanceof StructTypeInfo struct) {
            return new SimpleStruct(struct, new ArrayList<>((List<?>) v));
        }
        return v;
    }
}
