package io.github.mctunnel.compat.source;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TypeInfo;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a table with every storable column type, as the record codec's Java values (see
 * {@code RecordStreamReader}); row {@code i} of partition {@code p} is a pure function of both, so
 * a test can write the rows and later check what it reads without keeping them. Nulls appear at
 * every level: top-level (each column in about one row of 29, and whole rows but the id), array
 * elements, map values, struct fields, nested in arrays of structs and in maps of arrays.
 */
final class AllTypesRows {

    static final String PARTITION_KEY = "ds";

    /** Data column names and types; column 0 is the row id and never null. */
    static final List<Column> COLUMNS =
            List.of(
                    column("c_bigint", "bigint"),
                    column("c_int", "int"),
                    column("c_smallint", "smallint"),
                    column("c_tinyint", "tinyint"),
                    column("c_boolean", "boolean"),
                    column("c_double", "double"),
                    column("c_float", "float"),
                    column("c_string", "string"),
                    column("c_varchar", "varchar(10)"),
                    column("c_char", "char(5)"),
                    column("c_binary", "binary"),
                    column("c_datetime", "datetime"),
                    column("c_date", "date"),
                    column("c_timestamp", "timestamp"),
                    column("c_timestamp_ntz", "timestamp_ntz"),
                    column("c_decimal", "decimal(18,3)"),
                    column("c_array", "array<bigint>"),
                    column("c_map", "map<string,bigint>"),
                    column("c_struct", "struct<a:bigint,b:string>"),
                    column("c_nested", "array<struct<x:int,y:map<string,string>>>"),
                    column("c_map_of_arrays", "map<bigint,array<string>>"));

    private AllTypesRows() {}

    private static Column column(String name, String type) {
        return Column.of(name, TypeInfo.parse(type));
    }

    static String createTableSql(String table) {
        StringBuilder sql = new StringBuilder("CREATE TABLE ").append(table).append(" (");
        for (int i = 0; i < COLUMNS.size(); i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append(COLUMNS.get(i).name())
                    .append(' ')
                    .append(COLUMNS.get(i).type());
        }
        return sql.append(") PARTITIONED BY (").append(PARTITION_KEY).append(" STRING)").toString();
    }

    static String partitionValue(int partition) {
        return "2024010" + (partition + 1);
    }

    static long id(int partition, int row) {
        return partition * 1_000_000L + row;
    }

    static int partitionOf(long id) {
        return (int) (id / 1_000_000L);
    }

    static int rowOf(long id) {
        return (int) (id % 1_000_000L);
    }

    /** The data column values of a row, in {@link #COLUMNS} order. */
    static Object[] values(int partition, int row) {
        long id = id(partition, row);
        Object[] v = new Object[COLUMNS.size()];
        v[0] = id;
        if (row % 1_000 == 999) {
            return v; // every column but the id is null
        }
        int seed = (int) (id % 100_003);
        v[1] = -2 - seed;
        v[2] = (short) (seed % 30_000);
        v[3] = (byte) (seed % 256 - 128);
        v[4] = seed % 2 == 0;
        v[5] = seed * 1.5 - 7.25;
        v[6] = 2.5f - seed;
        v[7] = seed % 13 == 0 ? "" : "héllo-😀-" + seed;
        v[8] = "vc" + seed % 10_000_000;
        v[9] = String.format("%05d", seed % 100_000);
        v[10] = new byte[] {0, (byte) 0xff, (byte) seed, (byte) (seed >> 8)};
        v[11] = Instant.ofEpochMilli(1_704_067_200_123L + seed * 1_001L);
        v[12] = LocalDate.of(2024, 1, 1).plusDays(seed % 5_000 - 2_500);
        v[13] = Instant.ofEpochSecond(1_704_067_200L + seed, seed % 1_000_000_000);
        v[14] = LocalDateTime.of(2024, 1, 1, 0, 0, 0, 5 + seed).plusMinutes(seed);
        v[15] = new BigDecimal("12.345").add(BigDecimal.valueOf(seed)).negate();
        v[16] = seed % 7 == 0 ? List.of() : Arrays.asList((long) seed, null, -3L - seed);
        Map<String, Long> map = new LinkedHashMap<>();
        if (seed % 11 != 0) {
            map.put("n", null);
            map.put("k" + seed, (long) seed);
        }
        v[17] = map;
        v[18] = seed % 3 == 0 ? Arrays.asList(null, "x" + seed) : Arrays.asList(7L + seed, null);
        Map<String, String> inner = new LinkedHashMap<>();
        inner.put("a", null);
        inner.put("b" + seed, "y");
        List<Object> nested = new ArrayList<>();
        nested.add(Arrays.asList(null, inner));
        nested.add(null);
        nested.add(Arrays.asList(seed, new LinkedHashMap<String, String>()));
        v[19] = nested;
        Map<Long, List<String>> arrays = new LinkedHashMap<>();
        arrays.put((long) seed, Arrays.asList("s", null));
        arrays.put(seed + 1L, null);
        arrays.put(seed + 2L, List.of());
        v[20] = arrays;
        int nullColumn = row % 29;
        if (nullColumn >= 1 && nullColumn < v.length) {
            v[nullColumn] = null;
        }
        return v;
    }
}
