package io.github.mctunnel.compat.codec;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TypeInfo;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random records in the codec's Java value mapping: nulls at every level, empty and non-ASCII text,
 * extreme numbers, full-precision decimals, times across 1900-9999 with sub-second nanos.
 */
final class RandomRecords {

    /** Every type the codec supports, nested up to depth 3. */
    static final List<Column> EVERY_TYPE =
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
                    Column.of("c_json", "json"),
                    Column.of("c_decimal", "decimal(38,18)"),
                    Column.of("c_decimal_int", "decimal(38,0)"),
                    Column.of("c_decimal_small", "decimal(10,2)"),
                    Column.of("c_date", "date"),
                    Column.of("c_datetime", "datetime"),
                    Column.of("c_timestamp", "timestamp"),
                    Column.of("c_timestamp_ntz", "timestamp_ntz"),
                    Column.of("c_interval_dt", "interval_day_time"),
                    Column.of("c_interval_ym", "interval_year_month"),
                    Column.of("c_array", "array<bigint>"),
                    Column.of("c_array_string", "array<string>"),
                    Column.of("c_array3", "array<array<array<int>>>"),
                    Column.of("c_map", "map<string,bigint>"),
                    Column.of("c_map3", "map<bigint,array<struct<x:double,y:string>>>"),
                    Column.of(
                            "c_struct3",
                            "struct<a:bigint,b:array<map<string,decimal(38,18)>>,"
                                    + "c:struct<d:timestamp,e:varchar(10),f:date,g:binary>>"));

    private static final String[] TEXT_PIECES = {
        "a", "Z", "0", " ", "~", "é", "ß", "中", "文", "日本", "🎉", "𝔘", "\u0000", "\n", "\"", "\\"
    };

    private static final long MIN_SECOND =
            LocalDateTime.of(1900, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    private static final long MAX_SECOND =
            LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC);

    private final Random rnd;

    RandomRecords(long seed) {
        this.rnd = new Random(seed);
    }

    List<Object[]> records(List<Column> columns, int n) {
        List<Object[]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Object[] row = new Object[columns.size()];
            for (int c = 0; c < row.length; c++) {
                row[c] = valueOrNull(columns.get(c).type());
            }
            rows.add(row);
        }
        return rows;
    }

    private Object valueOrNull(TypeInfo t) {
        return rnd.nextInt(8) == 0 ? null : value(t);
    }

    Object value(TypeInfo t) {
        switch (t.type()) {
            case BIGINT:
                return pick(
                        Long.MAX_VALUE,
                        Long.MIN_VALUE + 1,
                        0L,
                        -1L,
                        1L,
                        rnd.nextLong(),
                        (long) rnd.nextInt());
            case INT:
                return pick(Integer.MAX_VALUE, Integer.MIN_VALUE, 0, -1, rnd.nextInt());
            case SMALLINT:
                return pick(Short.MAX_VALUE, Short.MIN_VALUE, (short) 0, (short) rnd.nextInt());
            case TINYINT:
                return pick(Byte.MAX_VALUE, Byte.MIN_VALUE, (byte) 0, (byte) rnd.nextInt());
            case BOOLEAN:
                return rnd.nextBoolean();
            case DOUBLE:
                return pick(
                        Double.MAX_VALUE,
                        -Double.MAX_VALUE,
                        Double.MIN_VALUE,
                        -0.0d,
                        Double.NaN,
                        Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY,
                        rnd.nextDouble() * 1e6,
                        Double.longBitsToDouble(rnd.nextLong() & 0x7FEFFFFFFFFFFFFFL));
            case FLOAT:
                return pick(
                        Float.MAX_VALUE,
                        Float.MIN_VALUE,
                        -0.0f,
                        Float.NaN,
                        Float.NEGATIVE_INFINITY,
                        rnd.nextFloat(),
                        (float) rnd.nextGaussian() * 1e20f);
            case STRING:
            case JSON:
                if (t.type() == io.github.mctunnel.client.schema.OdpsType.JSON) {
                    return "{\"k\":" + rnd.nextInt() + ",\"s\":\"" + ascii(rnd.nextInt(6)) + "\"}";
                }
                return text(rnd.nextInt(12));
            case VARCHAR:
            case CHAR:
                return text(rnd.nextInt(t.length() / 2 + 1));
            case BINARY:
                {
                    byte[] b = new byte[rnd.nextInt(12)];
                    rnd.nextBytes(b);
                    return b;
                }
            case DECIMAL:
                return decimal(t.precision(), t.scale());
            case DATE:
                return LocalDate.ofEpochDay(
                        Math.floorDiv(between(MIN_SECOND, MAX_SECOND), 86_400L));
            case DATETIME:
                return Instant.ofEpochMilli(
                        between(MIN_SECOND, MAX_SECOND) * 1000 + rnd.nextInt(1000));
            case TIMESTAMP:
                return Instant.ofEpochSecond(between(MIN_SECOND, MAX_SECOND), nanos());
            case TIMESTAMP_NTZ:
                return LocalDateTime.ofEpochSecond(
                        between(MIN_SECOND, MAX_SECOND), nanos(), ZoneOffset.UTC);
            case INTERVAL_DAY_TIME:
                return Duration.ofSeconds(between(-10_000_000_000L, 10_000_000_000L), nanos());
            case INTERVAL_YEAR_MONTH:
                return Period.ofMonths(rnd.nextInt(240_001) - 120_000).normalized();
            case ARRAY:
                {
                    int n = rnd.nextInt(4);
                    List<Object> list = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        list.add(valueOrNull(t.elementType()));
                    }
                    return list;
                }
            case MAP:
                {
                    int n = rnd.nextInt(4);
                    Map<Object, Object> map = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        map.put(value(t.keyType()), valueOrNull(t.valueType()));
                    }
                    return map;
                }
            case STRUCT:
                {
                    List<Object> values = new ArrayList<>();
                    for (TypeInfo.Field f : t.fields()) {
                        values.add(valueOrNull(f.type()));
                    }
                    return values;
                }
            default:
                throw new IllegalArgumentException("no generator for " + t);
        }
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[rnd.nextInt(choices.length)];
    }

    private long between(long min, long max) {
        return min + Math.floorMod(rnd.nextLong(), max - min + 1);
    }

    private int nanos() {
        return pick(0, 999_999_999, 1, 123_456_789, 1_000_000, rnd.nextInt(1_000_000_000));
    }

    /** At most {@code maxChars} UTF-16 chars (so at most that many code points). */
    private String text(int maxChars) {
        StringBuilder sb = new StringBuilder();
        while (true) {
            String piece = TEXT_PIECES[rnd.nextInt(TEXT_PIECES.length)];
            if (sb.length() + piece.length() > maxChars) {
                return sb.toString();
            }
            sb.append(piece);
        }
    }

    private String ascii(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }

    private BigDecimal decimal(int precision, int scale) {
        int digits = rnd.nextInt(3) == 0 ? precision : 1 + rnd.nextInt(precision);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            sb.append((char) ('0' + (rnd.nextInt(4) == 0 ? 9 : rnd.nextInt(10))));
        }
        BigInteger unscaled = new BigInteger(sb.toString());
        if (rnd.nextBoolean()) {
            unscaled = unscaled.negate();
        }
        return new BigDecimal(unscaled, scale);
    }
}
