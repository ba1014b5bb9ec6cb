package io.github.mctunnel.client.upsert;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.OdpsType;
import io.github.mctunnel.client.schema.TypeInfo;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Computes the bucket of an upsert row from its primary-key values, exactly as the official SDK and
 * the service do.
 *
 * <p>Each key column hashes to an {@code int} (the function depends on the column type and the
 * session's {@link HasherKind}); the column hashes are summed with 32-bit wrap-around into {@code
 * s}, and the bucket is {@code (s ^ (s >> 8)) % bucketCount}, which is never negative because the
 * xor clears the sign bit. The order of the key columns does not matter.
 *
 * <p>{@link #bucket(Object[])} takes values in the record codec's Java mapping. Writers that hold
 * primitives use the {@code hash*} methods of the matching column type, add the results and call
 * {@link #bucketOfHashSum(int)}; nothing is allocated on that path.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class BucketHasher {

    private static final long SECONDS_PER_DAY = 86_400L;
    private static final int BOOLEAN_TRUE_HASH = 0x172ba9c7;
    private static final int BOOLEAN_FALSE_HASH = -0x3a59cb12;

    private final HasherKind kind;
    private final HashFamily family;
    private final List<TypeInfo> keyTypes;
    private final OdpsType[] types;
    private final int[] precisions;
    private final int[] scales;
    private final String[] labels;
    private final int bucketCount;

    private BucketHasher(
            HasherKind kind, List<TypeInfo> keyTypes, List<String> names, int bucketCount) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.family = kind.family();
        this.keyTypes = List.copyOf(keyTypes);
        if (this.keyTypes.isEmpty()) {
            throw new IllegalArgumentException("An upsert table needs at least one key column");
        }
        if (bucketCount < 1) {
            throw new IllegalArgumentException(
                    "Bucket count must be at least 1, got " + bucketCount);
        }
        this.bucketCount = bucketCount;
        int n = this.keyTypes.size();
        this.types = new OdpsType[n];
        this.precisions = new int[n];
        this.scales = new int[n];
        this.labels = new String[n];
        for (int i = 0; i < n; i++) {
            TypeInfo t = this.keyTypes.get(i);
            labels[i] =
                    "Upsert key column #"
                            + i
                            + (names == null ? "" : " '" + names.get(i) + "'")
                            + " ("
                            + t
                            + ")";
            if (!isSupportedKeyType(t.type())) {
                throw new IllegalArgumentException(
                        labels[i]
                                + ": type "
                                + t
                                + " cannot be a hash key; supported key types are tinyint,"
                                + " smallint, int, bigint, float, double, boolean, string,"
                                + " varchar, char, binary, date, datetime, timestamp,"
                                + " timestamp_ntz, interval_day_time and decimal");
            }
            types[i] = t.type();
            precisions[i] = t.precision();
            scales[i] = t.scale();
        }
    }

    /**
     * A hasher for key columns of the given types, in any order.
     *
     * @param kind the session's hasher ({@link HasherKind#fromServiceName(String)})
     * @param keyTypes types of the primary-key columns
     * @param bucketCount number of buckets of the session (all slots together), at least 1
     * @throws IllegalArgumentException when a type cannot be a hash key, the list is empty or the
     *     bucket count is not positive
     */
    public static BucketHasher create(HasherKind kind, List<TypeInfo> keyTypes, int bucketCount) {
        return new BucketHasher(kind, keyTypes, null, bucketCount);
    }

    /** Like {@link #create}, and error messages name the columns. */
    public static BucketHasher forKeyColumns(
            HasherKind kind, List<Column> keyColumns, int bucketCount) {
        List<TypeInfo> types = new ArrayList<>(keyColumns.size());
        List<String> names = new ArrayList<>(keyColumns.size());
        for (Column c : keyColumns) {
            types.add(c.type());
            names.add(c.name());
        }
        return new BucketHasher(kind, types, names, bucketCount);
    }

    /** Whether values of this type can be hashed as upsert keys. */
    public static boolean isSupportedKeyType(OdpsType type) {
        return switch (type) {
            case TINYINT,
                            SMALLINT,
                            INT,
                            BIGINT,
                            FLOAT,
                            DOUBLE,
                            BOOLEAN,
                            STRING,
                            VARCHAR,
                            CHAR,
                            BINARY,
                            DATE,
                            DATETIME,
                            TIMESTAMP,
                            TIMESTAMP_NTZ,
                            INTERVAL_DAY_TIME,
                            DECIMAL ->
                    true;
            default -> false;
        };
    }

    public HasherKind kind() {
        return kind;
    }

    public List<TypeInfo> keyTypes() {
        return keyTypes;
    }

    public int keyCount() {
        return types.length;
    }

    public int bucketCount() {
        return bucketCount;
    }

    /**
     * The bucket of a row with these key values, in {@code [0, bucketCount)}.
     *
     * @param keyValues one value per key column, in the order of the key types, in the record
     *     codec's Java mapping (see {@link #hashKey(int, Object)})
     * @throws IllegalArgumentException when a value is null, of the wrong class or out of range,
     *     naming the key column position
     */
    public int bucket(Object[] keyValues) {
        if (keyValues.length != types.length) {
            throw new IllegalArgumentException(
                    "Expected " + types.length + " upsert key values, got " + keyValues.length);
        }
        int sum = 0;
        for (int i = 0; i < keyValues.length; i++) {
            sum += hashKey(i, keyValues[i]);
        }
        return bucketOfHashSum(sum);
    }

    /**
     * The hash of one key column's value. Accepted classes: TINYINT, SMALLINT, INT, BIGINT {@code
     * Byte}, {@code Short}, {@code Integer} or {@code Long} within the type's range; FLOAT {@code
     * Float}; DOUBLE {@code Double}; BOOLEAN {@code Boolean}; STRING, VARCHAR, CHAR {@code
     * CharSequence} or UTF-8 {@code byte[]}; BINARY {@code byte[]}; DATE {@code LocalDate};
     * DATETIME {@code Instant}, {@code ZonedDateTime} or {@code OffsetDateTime}; TIMESTAMP and
     * TIMESTAMP_NTZ {@code Instant} or {@code LocalDateTime} (read as UTC); INTERVAL_DAY_TIME
     * {@code Duration}; DECIMAL {@code BigDecimal} (rounded half-up to the column's scale).
     *
     * @throws IllegalArgumentException when the value is null, of the wrong class or out of range
     */
    public int hashKey(int keyIndex, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(
                    labels[keyIndex] + " is null; upsert key values must not be null");
        }
        switch (types[keyIndex]) {
            case TINYINT:
                return hashLong(integral(keyIndex, value, Byte.MIN_VALUE, Byte.MAX_VALUE));
            case SMALLINT:
                return hashLong(integral(keyIndex, value, Short.MIN_VALUE, Short.MAX_VALUE));
            case INT:
                return hashLong(integral(keyIndex, value, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case BIGINT:
                return hashLong(integral(keyIndex, value, Long.MIN_VALUE, Long.MAX_VALUE));
            case FLOAT:
                if (value instanceof Float f) {
                    return hashFloat(f);
                }
                break;
            case DOUBLE:
                if (value instanceof Double d) {
                    return hashDouble(d);
                }
                break;
            case BOOLEAN:
                if (value instanceof Boolean b) {
                    return hashBoolean(b);
                }
                break;
            case STRING:
            case VARCHAR:
            case CHAR:
                if (value instanceof CharSequence s) {
                    return hashString(s);
                }
                if (value instanceof byte[] bytes) {
                    return hashUtf8(bytes, 0, bytes.length);
                }
                break;
            case BINARY:
                if (value instanceof byte[] bytes) {
                    return hashBinary(bytes, 0, bytes.length);
                }
                break;
            case DATE:
                if (value instanceof LocalDate d) {
                    return hashDate(d.toEpochDay());
                }
                break;
            case DATETIME:
                return hashDatetime(epochMillis(keyIndex, value));
            case TIMESTAMP:
            case TIMESTAMP_NTZ:
                if (value instanceof Instant t) {
                    return hashTimestamp(t.getEpochSecond(), t.getNano());
                }
                if (value instanceof LocalDateTime t) {
                    return hashTimestamp(t.toEpochSecond(ZoneOffset.UTC), t.getNano());
                }
                break;
            case INTERVAL_DAY_TIME:
                if (value instanceof Duration d) {
                    return hashIntervalDayTime(d.getSeconds(), d.getNano());
                }
                break;
            case DECIMAL:
                if (value instanceof BigDecimal d) {
                    return hashDecimal(d, precisions[keyIndex], scales[keyIndex]);
                }
                break;
            default:
                throw new IllegalStateException("unreachable: " + types[keyIndex]);
        }
        throw wrongClass(keyIndex, value);
    }

    /**
     * The canonical form of a key value: two values the service takes for the same key (and this
     * hasher hashes alike) have equal canonical forms. Integral types as {@code Long}, STRING,
     * VARCHAR and CHAR as their UTF-8 bytes (a {@code String} encoded, a {@code byte[]} as it is),
     * DATETIME as epoch milliseconds, TIMESTAMP as an {@code Instant}, DECIMAL rounded half-up to
     * the column's scale; other values as they are ({@code byte[]} values are compared by content
     * by the caller).
     *
     * <p>Takes a value {@link #hashKey} accepted (the caller hashed it first, e.g. through {@link
     * #bucket}); it does not check it again.
     */
    public Object canonicalKey(int keyIndex, Object value) {
        switch (types[keyIndex]) {
            case TINYINT:
            case SMALLINT:
            case INT:
            case BIGINT:
                return ((Number) value).longValue();
            case STRING:
            case VARCHAR:
            case CHAR:
                // compared as their UTF-8 bytes, as the service compares them: two malformed keys
                // that decode to the same text are still two keys
                return value instanceof byte[] bytes
                        ? bytes
                        : value.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            case DATETIME:
                return epochMillis(keyIndex, value);
            case TIMESTAMP:
            case TIMESTAMP_NTZ:
                return value instanceof LocalDateTime t ? t.toInstant(ZoneOffset.UTC) : value;
            case DECIMAL:
                return ((BigDecimal) value)
                        .setScale(scales[keyIndex], java.math.RoundingMode.HALF_UP);
            default:
                return value;
        }
    }

    private long integral(int keyIndex, Object value, long min, long max) {
        long v;
        if (value instanceof Long l) {
            v = l;
        } else if (value instanceof Integer i) {
            v = i;
        } else if (value instanceof Short s) {
            v = s;
        } else if (value instanceof Byte b) {
            v = b;
        } else {
            throw wrongClass(keyIndex, value);
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(
                    labels[keyIndex]
                            + ": value "
                            + v
                            + " is out of range ["
                            + min
                            + ", "
                            + max
                            + "]");
        }
        return v;
    }

    private long epochMillis(int keyIndex, Object value) {
        Instant instant;
        if (value instanceof Instant t) {
            instant = t;
        } else if (value instanceof ZonedDateTime t) {
            instant = t.toInstant();
        } else if (value instanceof OffsetDateTime t) {
            instant = t.toInstant();
        } else {
            throw wrongClass(keyIndex, value);
        }
        try {
            return instant.toEpochMilli();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    labels[keyIndex] + ": value " + instant + " is out of the datetime range");
        }
    }

    private IllegalArgumentException wrongClass(int keyIndex, Object value) {
        return new IllegalArgumentException(
                labels[keyIndex]
                        + " expects "
                        + expectedClasses(types[keyIndex])
                        + ", got "
                        + value.getClass().getName());
    }

    private static String expectedClasses(OdpsType type) {
        return switch (type) {
            case TINYINT, SMALLINT, INT, BIGINT -> "Byte, Short, Integer or Long";
            case FLOAT -> "Float";
            case DOUBLE -> "Double";
            case BOOLEAN -> "Boolean";
            case STRING, VARCHAR, CHAR -> "CharSequence or UTF-8 byte[]";
            case BINARY -> "byte[]";
            case DATE -> "LocalDate";
            case DATETIME -> "Instant, ZonedDateTime or OffsetDateTime";
            case TIMESTAMP, TIMESTAMP_NTZ -> "Instant or LocalDateTime";
            case INTERVAL_DAY_TIME -> "Duration";
            case DECIMAL -> "BigDecimal";
            default -> type.typeName();
        };
    }

    // ---- primitive hashes, one per key column type; they allocate nothing ----

    /** Hash of a TINYINT, SMALLINT, INT or BIGINT value. */
    public int hashLong(long value) {
        return family.hashLong(value);
    }

    public int hashBoolean(boolean value) {
        return value ? BOOLEAN_TRUE_HASH : BOOLEAN_FALSE_HASH;
    }

    /** Hash of a FLOAT: its {@link Float#floatToIntBits} (NaN canonical, -0.0 != 0.0). */
    public int hashFloat(float value) {
        return family.hashLong(Float.floatToIntBits(value));
    }

    /** Hash of a DOUBLE: its {@link Double#doubleToLongBits} (NaN canonical, -0.0 != 0.0). */
    public int hashDouble(double value) {
        return family.hashLong(Double.doubleToLongBits(value));
    }

    /** Hash of a STRING, VARCHAR or CHAR value: the byte hash of its UTF-8 encoding. */
    public int hashString(CharSequence value) {
        return TextHashing.hashString(family, value);
    }

    /** Hash of a STRING, VARCHAR or CHAR value given as UTF-8 bytes. */
    public int hashUtf8(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return TextHashing.hashUtf8(family, bytes, offset, length);
    }

    /** Hash of a BINARY value: the byte hash of its quoted-printable form. */
    public int hashBinary(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return TextHashing.hashQuotedPrintable(family, bytes, offset, length);
    }

    /** Hash of a DATE: the integer hash of the epoch second of its UTC midnight. */
    public int hashDate(long epochDay) {
        return family.hashLong(epochDay * SECONDS_PER_DAY);
    }

    /** Hash of a DATETIME: the integer hash of its epoch millisecond. */
    public int hashDatetime(long epochMillis) {
        return family.hashLong(epochMillis);
    }

    /**
     * Hash of a TIMESTAMP or TIMESTAMP_NTZ (epoch second and nano-of-second in UTC): the integer
     * hash of {@code (epochSecond << 30) | nanos}.
     */
    public int hashTimestamp(long epochSecond, int nanos) {
        return family.hashLong((epochSecond << 30) | nanos);
    }

    /**
     * Hash of an INTERVAL_DAY_TIME with the SDK's fields (total seconds, nanos); same formula as
     * {@link #hashTimestamp}. {@link Duration#getSeconds()} and {@link Duration#getNano()} give the
     * fields the record codec writes.
     */
    public int hashIntervalDayTime(long totalSeconds, int nanos) {
        return family.hashLong((totalSeconds << 30) | nanos);
    }

    /** Hash of a DECIMAL(precision, scale) value; it is rounded half-up to {@code scale}. */
    public int hashDecimal(BigDecimal value, int precision, int scale) {
        return DecimalHashing.hash(family, value, precision, scale);
    }

    /**
     * Hash of a DECIMAL(precision, s) value given as its unscaled integer at the column's scale
     * {@code s} (e.g. Flink's compact {@code DecimalData.toUnscaledLong()} when the scales agree).
     */
    public int hashDecimalUnscaled(long unscaled, int precision) {
        return DecimalHashing.hashUnscaled(family, unscaled, precision);
    }

    // ---- combining column hashes ----

    /**
     * Combines per-column hashes as the SDK does: {@code s ^ (s >> 8)} of their wrapping sum. The
     * result is never negative.
     */
    public static int combine(int[] columnHashes) {
        int sum = 0;
        for (int h : columnHashes) {
            sum += h;
        }
        return mix(sum);
    }

    /** The bucket for these per-column hashes. */
    public int bucketOf(int[] columnHashes) {
        return combine(columnHashes) % bucketCount;
    }

    /** The bucket for the wrapping sum of the per-column hashes. */
    public int bucketOfHashSum(int sum) {
        return mix(sum) % bucketCount;
    }

    private static int mix(int sum) {
        return sum ^ (sum >> 8);
    }

    @Override
    public String toString() {
        return "BucketHasher{kind="
                + kind.serviceName()
                + ", keyTypes="
                + keyTypes
                + ", bucketCount="
                + bucketCount
                + "}";
    }
}
