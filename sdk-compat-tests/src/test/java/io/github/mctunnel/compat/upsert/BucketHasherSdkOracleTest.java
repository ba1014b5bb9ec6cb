package io.github.mctunnel.compat.upsert;

import io.github.mctunnel.client.schema.OdpsType;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.client.upsert.BucketHasher;
import io.github.mctunnel.client.upsert.HasherKind;

import com.aliyun.odps.data.Binary;
import com.aliyun.odps.data.Char;
import com.aliyun.odps.data.IntervalDayTime;
import com.aliyun.odps.data.Varchar;
import com.aliyun.odps.tunnel.hasher.DecimalHashObject;
import com.aliyun.odps.tunnel.hasher.TypeHasher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official SDK is the oracle: for randomised keys (fixed seeds) of every key type, single and
 * composite, our per-column hash and our bucket equal what the SDK's upsert writer computes. The
 * SDK side is driven the way {@code UpsertStreamImpl.write} drives it: {@code TypeHasher.hash(type,
 * value, hasher)} per key column with the SDK's value classes ({@code DecimalHashObject} carrying
 * the column's precision and scale for decimals), then {@code TypeHasher.CombineHashVal(hashes) %
 * bucketCount}.
 */
class BucketHasherSdkOracleTest {

    private static final int VALUES_PER_TYPE = 3000;
    private static final long MIN_EPOCH_DAY = LocalDate.of(1, 1, 1).toEpochDay();
    private static final long MAX_EPOCH_DAY = LocalDate.of(9999, 12, 31).toEpochDay();
    private static final long MIN_EPOCH_SECOND = MIN_EPOCH_DAY * 86_400;
    private static final long MAX_EPOCH_SECOND = MAX_EPOCH_DAY * 86_400 + 86_399;

    /** Key types every test covers; parameters are chosen per value where the type has them. */
    private static final List<OdpsType> KEY_TYPES =
            List.of(
                    OdpsType.TINYINT,
                    OdpsType.SMALLINT,
                    OdpsType.INT,
                    OdpsType.BIGINT,
                    OdpsType.FLOAT,
                    OdpsType.DOUBLE,
                    OdpsType.BOOLEAN,
                    OdpsType.STRING,
                    OdpsType.VARCHAR,
                    OdpsType.CHAR,
                    OdpsType.BINARY,
                    OdpsType.DATE,
                    OdpsType.DATETIME,
                    OdpsType.TIMESTAMP,
                    OdpsType.TIMESTAMP_NTZ,
                    OdpsType.INTERVAL_DAY_TIME,
                    OdpsType.DECIMAL);

    /** One key value: its column type, our Java value and the SDK's Java value. */
    private record Key(TypeInfo type, Object ours, Object sdk) {}

    @ParameterizedTest
    @EnumSource(HasherKind.class)
    void everyKeyTypeHashesLikeTheSdk(HasherKind kind) {
        int compared = 0;
        for (OdpsType type : KEY_TYPES) {
            Random random = new Random(type.ordinal() * 7919L + kind.ordinal());
            List<Key> keys = new ArrayList<>(extremes(type));
            for (int i = 0; i < VALUES_PER_TYPE; i++) {
                keys.add(randomKey(type, random));
            }
            for (Key key : keys) {
                Integer expected = sdkHash(key, kind);
                if (expected == null) {
                    continue;
                }
                BucketHasher hasher = BucketHasher.create(kind, List.of(key.type()), 1);
                assertThat(hasher.hashKey(0, key.ours()))
                        .as("%s hash of %s %s", kind, key.type(), describe(key.ours()))
                        .isEqualTo(expected);
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(KEY_TYPES.size() * VALUES_PER_TYPE);
    }

    @ParameterizedTest
    @EnumSource(HasherKind.class)
    void compositeKeysLandInTheSdkBucket(HasherKind kind) {
        Random random = new Random(424242L + kind.ordinal());
        int[] fixedCounts = {1, 7, 16, 256};
        for (int row = 0; row < 4000; row++) {
            int columns = 1 + random.nextInt(4);
            List<TypeInfo> types = new ArrayList<>();
            Object[] ours = new Object[columns];
            int[] sdkHashes = new int[columns];
            boolean sdkFailed = false;
            for (int c = 0; c < columns; c++) {
                Key key = randomKey(KEY_TYPES.get(random.nextInt(KEY_TYPES.size())), random);
                Integer h = sdkHash(key, kind);
                if (h == null) {
                    sdkFailed = true;
                    break;
                }
                types.add(key.type());
                ours[c] = key.ours();
                sdkHashes[c] = h;
            }
            if (sdkFailed) {
                continue;
            }
            int sdkCombined = TypeHasher.CombineHashVal(sdkHashes);
            int randomCount = 1 + random.nextInt(1000);
            for (int bucketCount :
                    new int[] {
                        fixedCounts[0], fixedCounts[1], fixedCounts[2], fixedCounts[3], randomCount
                    }) {
                BucketHasher hasher = BucketHasher.create(kind, types, bucketCount);
                assertThat(hasher.bucket(ours))
                        .as("%s bucket of %s %s among %d", kind, types, describe(ours), bucketCount)
                        .isEqualTo(sdkCombined % bucketCount);
            }
            assertThat(BucketHasher.combine(sdkHashes)).isEqualTo(sdkCombined);
        }
    }

    @ParameterizedTest
    @EnumSource(HasherKind.class)
    void primitiveFastPathsAgreeWithTheSdk(HasherKind kind) {
        BucketHasher h = BucketHasher.create(kind, List.of(TypeInfo.of(OdpsType.BIGINT)), 1);
        String v = kind.serviceName();
        Random random = new Random(99L + kind.ordinal());
        for (int i = 0; i < VALUES_PER_TYPE; i++) {
            long l = random.nextLong();
            assertThat(h.hashLong(l)).isEqualTo(TypeHasher.hash(sdkType(OdpsType.BIGINT), l, v));
            String s = randomString(random);
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            byte[] padded = new byte[utf8.length + 6];
            System.arraycopy(utf8, 0, padded, 3, utf8.length);
            int expected = TypeHasher.hash(sdkType(OdpsType.STRING), s, v);
            assertThat(h.hashString(s)).isEqualTo(expected);
            assertThat(h.hashUtf8(padded, 3, utf8.length)).isEqualTo(expected);
            byte[] bin = randomBytes(random);
            assertThat(h.hashBinary(bin, 0, bin.length))
                    .isEqualTo(TypeHasher.hash(sdkType(OdpsType.BINARY), new Binary(bin), v));
            long millis =
                    MIN_EPOCH_SECOND * 1000
                            + (long)
                                    (random.nextDouble()
                                            * (MAX_EPOCH_SECOND - MIN_EPOCH_SECOND)
                                            * 1000);
            assertThat(h.hashDatetime(millis))
                    .isEqualTo(TypeHasher.hash(sdkType(OdpsType.DATETIME), new Date(millis), v));
            int precision = 1 + random.nextInt(38);
            int scale = random.nextInt(precision + 1);
            long unscaled =
                    precision <= 18
                            ? random.nextLong() % BigInteger.TEN.pow(precision).longValue()
                            : random.nextLong();
            assertThat(h.hashDecimalUnscaled(unscaled, precision))
                    .as("decimal(%d,%d) unscaled %d", precision, scale, unscaled)
                    .isEqualTo(
                            TypeHasher.hash(
                                    sdkType(OdpsType.DECIMAL),
                                    new DecimalHashObject(
                                            BigDecimal.valueOf(unscaled, scale), precision, scale),
                                    v));
        }
    }

    /**
     * Where the SDK cannot hash a decimal (it fails with StringIndexOutOfBoundsException on values
     * like 1E-7 in a column of scale 2), the value rounds to 0 at the column's scale, and so does
     * ours.
     */
    @Test
    void decimalsTheSdkCannotHashHashAsZero() {
        for (HasherKind kind : HasherKind.values()) {
            BucketHasher h = BucketHasher.create(kind, List.of(TypeInfo.decimal(10, 2)), 1);
            BigDecimal tiny = new BigDecimal("1E-7");
            Key key = new Key(TypeInfo.decimal(10, 2), tiny, new DecimalHashObject(tiny, 10, 2));
            assertThat(sdkHash(key, kind)).isNull();
            assertThat(h.hashKey(0, tiny)).isEqualTo(h.hashKey(0, BigDecimal.ZERO));
            assertThat(h.hashKey(0, tiny.negate())).isEqualTo(h.hashKey(0, BigDecimal.ZERO));
        }
    }

    // ---- the SDK side ----

    private static com.aliyun.odps.OdpsType sdkType(OdpsType type) {
        return com.aliyun.odps.OdpsType.valueOf(type.name());
    }

    /**
     * The SDK's hash, or null when the SDK itself fails on a decimal it cannot parse back. The
     * SDK's legacy string hasher, unlike its default one, does not accept a STRING value held as
     * bytes; the SDK record holds such a value as the string its bytes decode to, so that string is
     * what the legacy oracle is given.
     */
    private static Integer sdkHash(Key key, HasherKind kind) {
        Object sdkValue = key.sdk();
        if (kind == HasherKind.LEGACY && sdkValue instanceof byte[] bytes) {
            sdkValue = new String(bytes, StandardCharsets.UTF_8);
        }
        try {
            return TypeHasher.hash(sdkType(key.type().type()), sdkValue, kind.serviceName());
        } catch (StringIndexOutOfBoundsException e) {
            assertThat(key.type().type()).isEqualTo(OdpsType.DECIMAL);
            return null;
        }
    }

    // ---- value generation ----

    private static List<Key> extremes(OdpsType type) {
        List<Key> keys = new ArrayList<>();
        switch (type) {
            case TINYINT -> {
                for (byte b : new byte[] {Byte.MIN_VALUE, -1, 0, 1, Byte.MAX_VALUE}) {
                    keys.add(same(type, b));
                }
            }
            case SMALLINT -> {
                for (short s : new short[] {Short.MIN_VALUE, -1, 0, 1, Short.MAX_VALUE}) {
                    keys.add(same(type, s));
                }
            }
            case INT -> {
                for (int i : new int[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE}) {
                    keys.add(same(type, i));
                }
            }
            case BIGINT -> {
                for (long l :
                        new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, Long.MAX_VALUE}) {
                    keys.add(same(type, l));
                }
            }
            case FLOAT -> {
                for (float f :
                        new float[] {
                            0f,
                            -0f,
                            Float.NaN,
                            Float.intBitsToFloat(0x7fc00001),
                            Float.POSITIVE_INFINITY,
                            Float.NEGATIVE_INFINITY,
                            Float.MIN_VALUE,
                            Float.MAX_VALUE,
                            -Float.MAX_VALUE
                        }) {
                    keys.add(same(type, f));
                }
            }
            case DOUBLE -> {
                for (double d :
                        new double[] {
                            0d,
                            -0d,
                            Double.NaN,
                            Double.longBitsToDouble(0x7ff8000000000001L),
                            Double.POSITIVE_INFINITY,
                            Double.NEGATIVE_INFINITY,
                            Double.MIN_VALUE,
                            Double.MAX_VALUE
                        }) {
                    keys.add(same(type, d));
                }
            }
            case BOOLEAN -> {
                keys.add(same(type, true));
                keys.add(same(type, false));
            }
            case STRING, VARCHAR, CHAR -> {
                for (String s :
                        new String[] {
                            "",
                            " ",
                            "a",
                            "=",
                            "ü",
                            "中文",
                            "\uD83D\uDE00",
                            "\uD800",
                            "x\uDFFFy",
                            "\u0000",
                            "\u007f\u0080\u07ff\u0800\uffff"
                        }) {
                    keys.add(text(type, s));
                }
                keys.add(new Key(TypeInfo.of(OdpsType.STRING), new byte[0], new byte[0]));
                byte[] malformed = {
                    (byte) 0xC0,
                    (byte) 0x80,
                    (byte) 0xED,
                    (byte) 0xA0,
                    (byte) 0x80,
                    (byte) 0xF4,
                    (byte) 0x90,
                    (byte) 0x80,
                    (byte) 0x80,
                    (byte) 0xE2,
                    (byte) 0x82
                };
                keys.add(new Key(TypeInfo.of(OdpsType.STRING), malformed, malformed.clone()));
            }
            case BINARY -> {
                byte[] all = new byte[256];
                for (int i = 0; i < 256; i++) {
                    all[i] = (byte) i;
                }
                keys.add(binary(all));
                keys.add(binary(new byte[0]));
                keys.add(binary(new byte[] {'=', '|', ' ', 127}));
            }
            case DATE -> {
                for (LocalDate d :
                        new LocalDate[] {
                            LocalDate.of(1, 1, 1),
                            LocalDate.of(1969, 12, 31),
                            LocalDate.EPOCH,
                            LocalDate.of(1582, 10, 4),
                            LocalDate.of(9999, 12, 31)
                        }) {
                    keys.add(same(type, d));
                }
            }
            case DATETIME -> {
                for (String s :
                        new String[] {
                            "0001-01-01T00:00:00Z",
                            "1969-12-31T23:59:59.999Z",
                            "1970-01-01T00:00:00Z",
                            "9999-12-31T23:59:59.999Z"
                        }) {
                    keys.add(datetime(Instant.parse(s)));
                }
            }
            case TIMESTAMP -> {
                for (String s :
                        new String[] {
                            "0001-01-01T00:00:00Z",
                            "1969-12-31T23:59:59.999999999Z",
                            "1970-01-01T00:00:00.000000001Z",
                            "9999-12-31T23:59:59.999999999Z"
                        }) {
                    keys.add(same(type, Instant.parse(s)));
                }
            }
            case TIMESTAMP_NTZ -> {
                for (String s :
                        new String[] {
                            "0001-01-01T00:00:00",
                            "1969-12-31T23:59:59.999999999",
                            "9999-12-31T23:59:59.999999999"
                        }) {
                    keys.add(same(type, LocalDateTime.parse(s)));
                }
            }
            case INTERVAL_DAY_TIME -> {
                for (Duration d :
                        new Duration[] {
                            Duration.ZERO,
                            Duration.ofNanos(1),
                            Duration.ofNanos(-1),
                            Duration.ofSeconds(-1, 500_000_000),
                            Duration.ofDays(-106751991167300L / 86_400),
                            Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)
                        }) {
                    keys.add(interval(d));
                }
            }
            case DECIMAL -> {
                String[] values = {
                    "0",
                    "-0.00",
                    "1",
                    "-1",
                    "0.5",
                    "-0.5",
                    "0.005",
                    "-0.005",
                    "12.345",
                    "-12.345",
                    "1.5E+3",
                    "-7E-1",
                    "99999999999999999999999999999999999999",
                    "-99999999999999999999999999999999999999",
                    "9223372036854775807",
                    "-9223372036854775808",
                    "18446744073709551616",
                    "0.000000000000000001",
                    "123456789012345678901234567890.12345678"
                };
                int[][] columns = {
                    {38, 18}, {38, 0}, {18, 0}, {18, 6}, {10, 2}, {19, 2}, {5, 5}, {1, 0}
                };
                for (String v : values) {
                    for (int[] pc : columns) {
                        keys.add(decimal(new BigDecimal(v), pc[0], pc[1]));
                    }
                }
            }
            default -> throw new IllegalStateException(type.typeName());
        }
        return keys;
    }

    private static Key randomKey(OdpsType type, Random r) {
        return switch (type) {
            case TINYINT -> same(type, (byte) r.nextInt());
            case SMALLINT -> same(type, (short) r.nextInt());
            case INT -> same(type, r.nextBoolean() ? r.nextInt() : r.nextInt(2001) - 1000);
            case BIGINT -> same(type, randomLong(r));
            case FLOAT ->
                    same(
                            type,
                            r.nextBoolean()
                                    ? Float.intBitsToFloat(r.nextInt())
                                    : (float) r.nextGaussian() * 1000);
            case DOUBLE ->
                    same(
                            type,
                            r.nextBoolean()
                                    ? Double.longBitsToDouble(r.nextLong())
                                    : r.nextGaussian() * 1e6);
            case BOOLEAN -> same(type, r.nextBoolean());
            case STRING -> r.nextInt(3) == 0 ? utf8Bytes(r) : text(type, randomString(r));
            case VARCHAR, CHAR -> text(type, randomString(r));
            case BINARY -> binary(randomBytes(r));
            case DATE ->
                    same(
                            type,
                            LocalDate.ofEpochDay(
                                    MIN_EPOCH_DAY
                                            + (long)
                                                    (r.nextDouble()
                                                            * (MAX_EPOCH_DAY - MIN_EPOCH_DAY))));
            case DATETIME ->
                    datetime(Instant.ofEpochMilli(randomEpochSecond(r) * 1000 + r.nextInt(1000)));
            case TIMESTAMP -> {
                Instant t = Instant.ofEpochSecond(randomEpochSecond(r), r.nextInt(1_000_000_000));
                yield r.nextBoolean()
                        ? same(type, t)
                        : new Key(TypeInfo.of(type), t, Timestamp.from(t));
            }
            case TIMESTAMP_NTZ ->
                    same(
                            type,
                            LocalDateTime.ofEpochSecond(
                                    randomEpochSecond(r),
                                    r.nextInt(1_000_000_000),
                                    ZoneOffset.UTC));
            case INTERVAL_DAY_TIME ->
                    interval(
                            Duration.ofSeconds(
                                    r.nextBoolean() ? r.nextLong() : r.nextInt(),
                                    r.nextInt(1_000_000_000)));
            case DECIMAL -> randomDecimal(r);
            default -> throw new IllegalStateException(type.typeName());
        };
    }

    private static long randomLong(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> r.nextLong();
            case 1 -> r.nextInt();
            default -> r.nextInt(20001) - 10000;
        };
    }

    private static long randomEpochSecond(Random r) {
        return MIN_EPOCH_SECOND + (long) (r.nextDouble() * (MAX_EPOCH_SECOND - MIN_EPOCH_SECOND));
    }

    private static String randomString(Random r) {
        int n = r.nextInt(4) == 0 ? 0 : r.nextInt(24);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(8)) {
                case 0, 1, 2 -> sb.append((char) (32 + r.nextInt(95)));
                case 3 -> sb.append((char) (0x80 + r.nextInt(0x780)));
                case 4 -> sb.append((char) (0x4e00 + r.nextInt(0x5000)));
                case 5 -> sb.appendCodePoint(0x10000 + r.nextInt(0x100000));
                case 6 ->
                        sb.append((char) r.nextInt(0x10000)); // anything, lone surrogates included
                default -> sb.append((char) r.nextInt(32));
            }
        }
        return sb.toString();
    }

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(32)];
        r.nextBytes(b);
        return b;
    }

    /** STRING given as bytes: valid UTF-8, or UTF-8 with a byte damaged, or random bytes. */
    private static Key utf8Bytes(Random r) {
        byte[] b;
        switch (r.nextInt(3)) {
            case 0 -> b = randomString(r).getBytes(StandardCharsets.UTF_8);
            case 1 -> {
                b = randomString(r).getBytes(StandardCharsets.UTF_8);
                if (b.length > 0) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt();
                }
            }
            default -> b = randomBytes(r);
        }
        return new Key(TypeInfo.of(OdpsType.STRING), b, b.clone());
    }

    private static Key randomDecimal(Random r) {
        int precision = 1 + r.nextInt(38);
        int scale = r.nextInt(precision + 1);
        // Mostly values that fit the column, sometimes a few digits too many (the SDK hashes those
        // too), at a value scale that may be above, equal to or below the column's.
        int digits = 1 + r.nextInt(Math.min(38, precision + (r.nextInt(5) == 0 ? 3 : 0)));
        BigInteger unscaled = new BigInteger(digits * 4, r).mod(BigInteger.TEN.pow(digits));
        if (r.nextBoolean()) {
            unscaled = unscaled.negate();
        }
        int valueScale = scale + r.nextInt(9) - 4;
        BigDecimal value = new BigDecimal(unscaled, valueScale);
        return decimal(value, precision, scale);
    }

    private static Key same(OdpsType type, Object value) {
        return new Key(TypeInfo.of(type), value, value);
    }

    private static Key text(OdpsType type, String s) {
        return switch (type) {
            case VARCHAR -> new Key(TypeInfo.varchar(65535), s, new Varchar(s));
            case CHAR -> new Key(TypeInfo.charOf(255), s, new Char(s));
            default -> new Key(TypeInfo.of(OdpsType.STRING), s, s);
        };
    }

    private static Key binary(byte[] b) {
        return new Key(TypeInfo.of(OdpsType.BINARY), b, new Binary(b.clone()));
    }

    private static Key datetime(Instant t) {
        Object sdk =
                t.toEpochMilli() % 2 == 0
                        ? new Date(t.toEpochMilli())
                        : ZonedDateTime.ofInstant(t, ZoneOffset.UTC);
        return new Key(TypeInfo.of(OdpsType.DATETIME), t, sdk);
    }

    private static Key interval(Duration d) {
        return new Key(
                TypeInfo.of(OdpsType.INTERVAL_DAY_TIME),
                d,
                new IntervalDayTime(d.getSeconds(), d.getNano()));
    }

    private static Key decimal(BigDecimal value, int precision, int scale) {
        return new Key(
                TypeInfo.decimal(precision, scale),
                value,
                new DecimalHashObject(value, precision, scale));
    }

    private static String describe(Object value) {
        if (value instanceof byte[] b) {
            return java.util.HexFormat.of().formatHex(b);
        }
        if (value instanceof Object[] values) {
            List<String> parts = new ArrayList<>();
            for (Object v : values) {
                parts.add(describe(v));
            }
            return parts.toString();
        }
        return String.valueOf(value);
    }
}
