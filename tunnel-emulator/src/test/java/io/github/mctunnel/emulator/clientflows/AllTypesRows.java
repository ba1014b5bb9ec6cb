package io.github.mctunnel.emulator.clientflows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded rows over a table with every column type: extremes, empty and non-ASCII text, full
 * precision decimals, timestamps across 0001-9999 with nanos, and NULL at every nesting level
 * (nested types go three levels deep).
 */
final class AllTypesRows {

    static final String COLUMNS =
            "c_bigint BIGINT, c_int INT, c_smallint SMALLINT, c_tinyint TINYINT,"
                    + " c_boolean BOOLEAN, c_double DOUBLE, c_float FLOAT, c_string STRING,"
                    + " c_varchar VARCHAR(10), c_char CHAR(5), c_binary BINARY, c_json JSON,"
                    + " c_decimal DECIMAL(38,18), c_date DATE, c_datetime DATETIME,"
                    + " c_timestamp TIMESTAMP, c_timestamp_ntz TIMESTAMP_NTZ,"
                    + " c_interval_dt INTERVAL_DAY_TIME, c_interval_ym INTERVAL_YEAR_MONTH,"
                    + " c_array ARRAY<ARRAY<ARRAY<STRING>>>,"
                    + " c_map MAP<STRING,ARRAY<STRUCT<x:INT,y:STRING>>>,"
                    + " c_struct STRUCT<a:BIGINT,b:MAP<INT,ARRAY<DOUBLE>>,"
                    + "c:STRUCT<d:STRING,e:DECIMAL(10,2)>>";

    static final int COLUMN_COUNT = 22;

    private static final String[] TEXTS = {
        "", "a", "héllo", "中文字符", "😀 emoji", "tab\tnew\nline", "'quote\"", "Ωμέγα", "\u0000nul"
    };
    private static final long MIN_DATETIME_MILLIS =
            LocalDateTime.of(1, 1, 1, 0, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
    private static final long MAX_DATETIME_MILLIS =
            LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_000_000)
                    .toInstant(ZoneOffset.UTC)
                    .toEpochMilli();
    private static final long MIN_SECOND = MIN_DATETIME_MILLIS / 1000;
    private static final long MAX_SECOND = MAX_DATETIME_MILLIS / 1000;

    private final Random random;

    AllTypesRows(long seed) {
        this.random = new Random(seed);
    }

    /** {@code count} rows; the first rows are the extremes, then random rows. */
    List<Object[]> rows(int count) {
        List<Object[]> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(i < 4 ? extremeRow(i) : randomRow());
        }
        return rows;
    }

    private static Object[] extremeRow(int which) {
        Object[] r = new Object[COLUMN_COUNT];
        switch (which) {
            case 0 -> {
                // all NULL
            }
            case 1 -> {
                r[0] = Long.MAX_VALUE;
                r[1] = Integer.MIN_VALUE;
                r[2] = Short.MAX_VALUE;
                r[3] = Byte.MIN_VALUE;
                r[4] = true;
                r[5] = Double.MAX_VALUE;
                r[6] = Float.MIN_VALUE;
                r[7] = "";
                r[8] = "";
                r[9] = "";
                r[10] = new byte[0];
                r[11] = "{}";
                r[12] = new BigDecimal("99999999999999999999.999999999999999999");
                r[13] = LocalDate.of(1, 1, 1);
                r[14] = Instant.ofEpochMilli(MIN_DATETIME_MILLIS);
                r[15] = Instant.ofEpochSecond(MIN_SECOND, 0);
                r[16] = LocalDateTime.of(1, 1, 1, 0, 0, 0, 0);
                r[17] = Duration.ofSeconds(-86_400L * 365 * 100, 1);
                r[18] = Period.ofMonths(-12 * 9999 - 11).normalized();
                r[19] = List.of();
                r[20] = Map.of();
                r[21] = Arrays.asList(null, null, null);
            }
            case 2 -> {
                r[0] = Long.MIN_VALUE + 1;
                r[1] = Integer.MAX_VALUE;
                r[2] = Short.MIN_VALUE;
                r[3] = Byte.MAX_VALUE;
                r[4] = false;
                r[5] = -0.0d;
                r[6] = Float.NaN;
                r[7] = "x".repeat(200_000) + "終";
                r[8] = "éééééééééé";
                r[9] = "中文中文中";
                r[10] = new byte[] {0, -1, 127, -128, 10};
                r[11] = "{\"k\":[1,2,{\"n\":null}],\"s\":\"中\"}";
                r[12] = new BigDecimal("-99999999999999999999.999999999999999999");
                r[13] = LocalDate.of(9999, 12, 31);
                r[14] = Instant.ofEpochMilli(MAX_DATETIME_MILLIS);
                r[15] = Instant.ofEpochSecond(MAX_SECOND, 999_999_999);
                r[16] = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_999);
                r[17] = Duration.ofSeconds(86_400L * 365 * 100, 999_999_999);
                r[18] = Period.ofMonths(12 * 9999 + 11).normalized();
                r[19] = Arrays.asList(null, List.of(), Arrays.asList(null, List.of("")));
                r[20] = mapOf("", null, "k", Arrays.asList(null, Arrays.asList(null, null)));
                r[21] =
                        Arrays.asList(
                                Long.MIN_VALUE + 1,
                                mapOf(Integer.MIN_VALUE, null, 0, Arrays.asList(null, -1.5d)),
                                Arrays.asList(null, null));
            }
            default -> {
                r[0] = 0L;
                r[1] = 0;
                r[2] = (short) 0;
                r[3] = (byte) 0;
                r[4] = true;
                r[5] = Double.NEGATIVE_INFINITY;
                r[6] = Float.POSITIVE_INFINITY;
                r[7] = "😀😀😀 non-BMP";
                r[8] = "0123456789";
                r[9] = "abcde";
                r[10] = "bytes".getBytes(StandardCharsets.UTF_8);
                r[11] = "[]";
                r[12] = new BigDecimal("0.000000000000000001");
                r[13] = LocalDate.of(1970, 1, 1);
                r[14] = Instant.ofEpochMilli(-1);
                r[15] = Instant.ofEpochSecond(-1, 1);
                r[16] = LocalDateTime.of(1900, 1, 1, 0, 0, 0, 1);
                r[17] = Duration.ZERO;
                r[18] = Period.ZERO;
                r[19] = List.of(List.of(List.of("a", "中"), Arrays.asList("", null)));
                r[20] = mapOf("a", List.of(Arrays.asList(7, "x")));
                r[21] =
                        Arrays.asList(
                                0L,
                                mapOf(1, List.of()),
                                Arrays.asList("", new BigDecimal("-99999999.99")));
            }
        }
        return r;
    }

    private Object[] randomRow() {
        Object[] r = new Object[COLUMN_COUNT];
        r[0] = nullOr(random.nextLong());
        r[1] = nullOr(random.nextInt());
        r[2] = nullOr((short) random.nextInt());
        r[3] = nullOr((byte) random.nextInt());
        r[4] = nullOr(random.nextBoolean());
        r[5] = nullOr(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
        r[6] = nullOr(random.nextFloat() * 1e6f - 5e5f);
        r[7] = nullOr(text() + random.nextInt(1000));
        r[8] = nullOr(limit(text(), 10));
        r[9] = nullOr(limit(text(), 5));
        r[10] = nullOr(bytes());
        r[11] = nullOr("{\"n\":" + random.nextInt() + ",\"t\":\"" + text().length() + "\"}");
        r[12] = nullOr(decimal(20, 18));
        r[13] = nullOr(LocalDate.ofEpochDay(between(-719_162, 2_932_896)));
        r[14] = nullOr(Instant.ofEpochMilli(between(MIN_DATETIME_MILLIS, MAX_DATETIME_MILLIS)));
        r[15] =
                nullOr(
                        Instant.ofEpochSecond(
                                between(MIN_SECOND, MAX_SECOND), random.nextInt(1_000_000_000)));
        r[16] =
                nullOr(
                        LocalDateTime.ofEpochSecond(
                                between(MIN_SECOND, MAX_SECOND),
                                random.nextInt(1_000_000_000),
                                ZoneOffset.UTC));
        r[17] =
                nullOr(
                        Duration.ofSeconds(
                                between(-86_400L * 36_500, 86_400L * 36_500),
                                random.nextInt(1_000_000_000)));
        r[18] = nullOr(Period.ofMonths(random.nextInt(240_000) - 120_000).normalized());
        r[19] = nullOr(list(() -> list(() -> list(() -> nullOr(text())))));
        r[20] = nullOr(map(this::text, () -> list(() -> nullOr(struct2()))));
        r[21] = nullOr(struct3());
        return r;
    }

    private List<Object> struct3() {
        Object b = nullOr(map(random::nextInt, () -> list(() -> nullOr(random.nextDouble()))));
        Object c = nullOr(Arrays.asList(nullOr(text()), nullOr(decimal(8, 2))));
        return Arrays.asList(nullOr(random.nextLong()), b, c);
    }

    private List<Object> struct2() {
        return Arrays.asList(nullOr(random.nextInt()), nullOr(text()));
    }

    private interface Gen {
        Object next();
    }

    private List<Object> list(Gen element) {
        int n = random.nextInt(4);
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(element.next());
        }
        return list;
    }

    private Map<Object, Object> map(Gen key, Gen value) {
        int n = random.nextInt(4);
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            map.put(key.next(), nullOr(value.next()));
        }
        return map;
    }

    private static Map<Object, Object> mapOf(Object... keyValues) {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private Object nullOr(Object value) {
        return random.nextInt(10) == 0 ? null : value;
    }

    private String text() {
        return TEXTS[random.nextInt(TEXTS.length)];
    }

    private static String limit(String s, int codePoints) {
        return s.codePointCount(0, s.length()) <= codePoints
                ? s
                : s.substring(0, s.offsetByCodePoints(0, codePoints));
    }

    private byte[] bytes() {
        byte[] b = new byte[random.nextInt(20)];
        random.nextBytes(b);
        return b;
    }

    private BigDecimal decimal(int integerDigits, int scale) {
        BigInteger unscaled = new BigInteger(random.nextInt(integerDigits + scale) * 4, random);
        BigInteger limit = BigInteger.TEN.pow(integerDigits + scale);
        unscaled = unscaled.mod(limit);
        return new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), scale);
    }

    private long between(long min, long max) {
        return min + (long) (random.nextDouble() * (max - min));
    }
}
