package io.github.mctunnel.client.codec;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.OdpsType;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A reusable record whose fields a serializer sets ({@link RecordFieldWriter}) before the record is
 * encoded: primitives are kept unboxed and byte ranges are copied into one buffer that is kept
 * across records, so staging a record allocates nothing once the buffer has grown to the largest
 * record. The staged record is then written into a {@link RecordStreamWriter} ({@link #writeTo}),
 * where each value is checked against its column, or read back as values of the codec's Java
 * mapping ({@link #value}) by code that keeps records.
 *
 * <p>{@link #clear()} starts the next record. Not thread-safe.
 */
public final class StagedRecord implements RecordFieldWriter {

    private static final byte NULL = 0;
    private static final byte BOOLEAN = 1;
    private static final byte TINYINT = 2;
    private static final byte SMALLINT = 3;
    private static final byte INT = 4;
    private static final byte BIGINT = 5;
    private static final byte FLOAT = 6;
    private static final byte DOUBLE = 7;
    private static final byte STRING = 8;
    private static final byte BINARY = 9;
    private static final byte DECIMAL_UNSCALED = 10;
    private static final byte DECIMAL = 11;
    private static final byte DATE = 12;
    private static final byte DATETIME = 13;
    private static final byte TIMESTAMP = 14;
    private static final byte TIMESTAMP_NTZ = 15;
    private static final byte INTERVAL_DAY_TIME = 16;
    private static final byte INTERVAL_YEAR_MONTH = 17;
    private static final byte VALUE = 18;

    private static final int INITIAL_BYTES = 256;
    private static final int NANOS = 1_000_000_000;

    /** An arena over this size shrinks when recent records used less than a quarter of it. */
    private static final int SHRINK_ABOVE = 1 << 20;

    private static final int REVIEW_EVERY = 1024;

    private final Column[] columns;
    private final byte[] kinds;
    private final long[] longs;
    private final int[] ints;
    private final int[] offsets;
    private final Object[] objects;
    private byte[] bytes;
    private int used;

    /** The most bytes a record used since the arena's size was last reviewed. */
    private int recentPeak;

    private int clearsSinceReview;

    /**
     * @param fields the record's fields in order (their types tell {@link #value} which Java type
     *     to give; names are used in messages)
     */
    public StagedRecord(List<Column> fields) {
        this(fields.toArray(new Column[0]), INITIAL_BYTES);
    }

    private StagedRecord(Column[] columns, int initialBytes) {
        this.columns = columns;
        int n = columns.length;
        this.kinds = new byte[n];
        this.longs = new long[n];
        this.ints = new int[n];
        this.offsets = new int[n];
        this.objects = new Object[n];
        this.bytes = new byte[initialBytes];
    }

    /**
     * An empty record of the same fields whose buffer starts empty and grows to what its values
     * take: for code that keeps many records (one per key), fed by {@link #copyFrom}.
     */
    public StagedRecord withSameFields() {
        return new StagedRecord(columns, 0);
    }

    /**
     * Makes this record hold in each field {@code f} what field {@code sourceFields[f]} of {@code
     * source} holds, NULL where that is -1: byte ranges are copied into this record's buffer,
     * objects ({@link #setValue}, {@link #setDecimal(int, BigDecimal)}) are shared, as a kept
     * record keeps them. The fields' types must be the same.
     *
     * @param sourceFields one source field (or -1) per field of this record
     */
    public void copyFrom(StagedRecord source, int[] sourceFields) {
        clear();
        for (int f = 0; f < sourceFields.length; f++) {
            int s = sourceFields[f];
            if (s < 0) {
                continue;
            }
            byte kind = source.kinds[s];
            if (kind == STRING || kind == BINARY) {
                copy(f, kind, source.bytes, source.offsets[s], source.ints[s]);
            } else if (kind != NULL) {
                kinds[f] = kind;
                longs[f] = source.longs[s];
                ints[f] = source.ints[s];
                objects[f] = source.objects[s];
            }
        }
    }

    /** A rough size of the record on the heap: its arrays, its buffer and its objects. */
    public long heapEstimate() {
        long size = 112 + 25L * columns.length + bytes.length;
        for (int f = 0; f < columns.length; f++) {
            if (objects[f] != null) {
                size += heapOf(objects[f]);
            }
        }
        return size;
    }

    /** A rough size of the record encoded: a tag and the value of each field that is not NULL. */
    public long encodedEstimate() {
        long size = 0;
        for (int f = 0; f < columns.length; f++) {
            size +=
                    switch (kinds[f]) {
                        case NULL -> 0;
                        case STRING, BINARY -> 4 + ints[f];
                        case DECIMAL_UNSCALED -> 20;
                        case DECIMAL, VALUE -> encodedOf(objects[f]);
                        default -> 9;
                    };
        }
        return size;
    }

    /** A rough heap size of a value, nested values included. */
    private static long heapOf(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof String s) {
            return 40 + 2L * s.length();
        }
        if (v instanceof byte[] b) {
            return 16 + b.length;
        }
        if (v instanceof BigDecimal) {
            return 64;
        }
        if (v instanceof List<?> list) {
            long size = 40 + 8L * list.size();
            for (Object e : list) {
                size += heapOf(e);
            }
            return size;
        }
        if (v instanceof java.util.Map<?, ?> map) {
            long size = 48 + 40L * map.size();
            for (java.util.Map.Entry<?, ?> e : map.entrySet()) {
                size += heapOf(e.getKey()) + heapOf(e.getValue());
            }
            return size;
        }
        return 24;
    }

    /** A rough encoded size of a value (a tag and its bytes), nested values included. */
    private static long encodedOf(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof String s) {
            // UTF-8: one to three bytes a char
            long size = 4;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                size += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
            return size;
        }
        if (v instanceof byte[] b) {
            return 4 + b.length;
        }
        if (v instanceof BigDecimal) {
            return 20;
        }
        if (v instanceof List<?> list) {
            long size = 4;
            for (Object e : list) {
                size += encodedOf(e);
            }
            return size;
        }
        if (v instanceof java.util.Map<?, ?> map) {
            long size = 4;
            for (java.util.Map.Entry<?, ?> e : map.entrySet()) {
                size += encodedOf(e.getKey()) + encodedOf(e.getValue());
            }
            return size;
        }
        return 9;
    }

    /** Makes every field NULL, keeping the buffers. */
    public void clear() {
        Arrays.fill(kinds, NULL);
        Arrays.fill(objects, null);
        recentPeak = Math.max(recentPeak, used);
        used = 0;
        if (++clearsSinceReview == REVIEW_EVERY) {
            // one huge record does not keep its arena for the life of the task
            if (bytes.length > SHRINK_ABOVE && recentPeak < bytes.length / 4) {
                bytes = new byte[Math.max(INITIAL_BYTES, 2 * recentPeak)];
            }
            recentPeak = 0;
            clearsSinceReview = 0;
        }
    }

    /** The bytes held for the values of byte ranges (grown to the largest recent record). */
    public int bufferCapacity() {
        return bytes.length;
    }

    @Override
    public int fieldCount() {
        return columns.length;
    }

    /** The field's declaration. */
    public Column field(int field) {
        return columns[field];
    }

    public boolean isNull(int field) {
        return kinds[field] == NULL;
    }

    // ------------------------------------------------------------------ setters

    @Override
    public void setNull(int field) {
        kinds[field] = NULL;
        objects[field] = null;
    }

    @Override
    public void setBoolean(int field, boolean value) {
        primitive(field, BOOLEAN, value ? 1 : 0);
    }

    @Override
    public void setTinyint(int field, byte value) {
        primitive(field, TINYINT, value);
    }

    @Override
    public void setSmallint(int field, short value) {
        primitive(field, SMALLINT, value);
    }

    @Override
    public void setInt(int field, int value) {
        primitive(field, INT, value);
    }

    @Override
    public void setBigint(int field, long value) {
        primitive(field, BIGINT, value);
    }

    @Override
    public void setFloat(int field, float value) {
        primitive(field, FLOAT, Float.floatToRawIntBits(value));
    }

    @Override
    public void setDouble(int field, double value) {
        primitive(field, DOUBLE, Double.doubleToRawLongBits(value));
    }

    @Override
    public void setString(int field, byte[] utf8, int offset, int length) {
        copy(field, STRING, utf8, offset, length);
    }

    @Override
    public void setString(int field, String value) {
        if (value == null) {
            setNull(field);
            return;
        }
        int n = value.length();
        // ASCII is copied char by char; anything else goes through the JDK's encoder
        int start = reserve(n);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                used = start;
                byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
                copy(field, STRING, utf8, 0, utf8.length);
                return;
            }
            bytes[start + i] = (byte) c;
        }
        used = start + n;
        kinds[field] = STRING;
        offsets[field] = start;
        ints[field] = n;
        objects[field] = null;
    }

    @Override
    public void setBinary(int field, byte[] value, int offset, int length) {
        copy(field, BINARY, value, offset, length);
    }

    @Override
    public void setDecimal(int field, long unscaled, int scale) {
        kinds[field] = DECIMAL_UNSCALED;
        longs[field] = unscaled;
        ints[field] = scale;
        objects[field] = null;
    }

    @Override
    public void setDecimal(int field, BigDecimal value) {
        object(field, DECIMAL, value);
    }

    @Override
    public void setDate(int field, long epochDay) {
        primitive(field, DATE, epochDay);
    }

    @Override
    public void setDatetime(int field, long epochMillis) {
        primitive(field, DATETIME, epochMillis);
    }

    @Override
    public void setTimestamp(int field, long epochSeconds, int nanos) {
        primitive(field, TIMESTAMP, epochSeconds);
        ints[field] = nanos;
    }

    @Override
    public void setTimestampNtz(int field, long epochSeconds, int nanos) {
        primitive(field, TIMESTAMP_NTZ, epochSeconds);
        ints[field] = nanos;
    }

    @Override
    public void setIntervalDayTime(int field, long seconds, int nanos) {
        // Duration's form (nanos in [0, 10^9)), as the SDK writes it, whatever the sign of nanos
        primitive(field, INTERVAL_DAY_TIME, Math.addExact(seconds, Math.floorDiv(nanos, NANOS)));
        ints[field] = Math.floorMod(nanos, NANOS);
    }

    @Override
    public void setIntervalYearMonth(int field, long totalMonths) {
        primitive(field, INTERVAL_YEAR_MONTH, totalMonths);
    }

    @Override
    public void setValue(int field, Object value) {
        if (value instanceof String s && columns[field].type().type().isText()) {
            // staged as its UTF-8 bytes, as the codec would encode it, without a byte[] per value
            setString(field, s);
        } else {
            object(field, VALUE, value);
        }
    }

    private void primitive(int field, byte kind, long value) {
        kinds[field] = kind;
        longs[field] = value;
        ints[field] = 0;
        objects[field] = null;
    }

    private void object(int field, byte kind, Object value) {
        kinds[field] = value == null ? NULL : kind;
        objects[field] = value;
    }

    private void copy(int field, byte kind, byte[] source, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        int start = reserve(length);
        System.arraycopy(source, offset, bytes, start, length);
        used = start + length;
        kinds[field] = kind;
        offsets[field] = start;
        ints[field] = length;
        objects[field] = null;
    }

    /** Makes room for {@code length} more bytes and returns where they start. */
    private int reserve(int length) {
        int need = used + length;
        if (need < 0) {
            throw new IllegalArgumentException("the record's values exceed 2 GiB");
        }
        if (need > bytes.length) {
            bytes =
                    Arrays.copyOf(
                            bytes,
                            Math.max(
                                    need,
                                    (int) Math.min(Integer.MAX_VALUE - 8, bytes.length * 2L)));
        }
        return used;
    }

    // ------------------------------------------------------------------ reading

    /**
     * Encodes fields {@code 0 .. count-1} as one record of {@code writer} (whose columns are those
     * fields). A value that does not fit its column fails as the writer's field-by-field methods
     * do, naming the column, and the writer discards the record.
     */
    public void writeTo(RecordStreamWriter writer, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            switch (kinds[i]) {
                case NULL -> {}
                case BOOLEAN -> writer.setBoolean(i, longs[i] != 0);
                case TINYINT -> writer.setTinyint(i, (byte) longs[i]);
                case SMALLINT -> writer.setSmallint(i, (short) longs[i]);
                case INT -> writer.setInt(i, (int) longs[i]);
                case BIGINT -> writer.setBigint(i, longs[i]);
                case FLOAT -> writer.setFloat(i, Float.intBitsToFloat((int) longs[i]));
                case DOUBLE -> writer.setDouble(i, Double.longBitsToDouble(longs[i]));
                case STRING -> writer.setString(i, bytes, offsets[i], ints[i]);
                case BINARY -> writer.setBinary(i, bytes, offsets[i], ints[i]);
                case DECIMAL_UNSCALED -> writer.setDecimal(i, longs[i], ints[i]);
                case DECIMAL -> writer.setDecimal(i, (BigDecimal) objects[i]);
                case DATE -> writer.setDate(i, longs[i]);
                case DATETIME -> writer.setDatetime(i, longs[i]);
                case TIMESTAMP -> writer.setTimestamp(i, longs[i], ints[i]);
                case TIMESTAMP_NTZ -> writer.setTimestampNtz(i, longs[i], ints[i]);
                case INTERVAL_DAY_TIME -> writer.setIntervalDayTime(i, longs[i], ints[i]);
                case INTERVAL_YEAR_MONTH -> writer.setIntervalYearMonth(i, longs[i]);
                default -> writer.setValue(i, objects[i]);
            }
        }
        writer.endRecord();
    }

    /**
     * The field as a value of the codec's Java mapping for its declared type (a new object for byte
     * ranges: STRING fields give {@code byte[]}, VARCHAR, CHAR and JSON fields {@code String}), or
     * null.
     */
    public Object value(int field) {
        try {
            return valueOf(field);
        } catch (java.time.DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "Column '"
                            + columns[field].name()
                            + "' ("
                            + columns[field].type()
                            + "): "
                            + e.getMessage(),
                    e);
        }
    }

    private Object valueOf(int field) {
        int i = field;
        if ((kinds[i] == TIMESTAMP || kinds[i] == TIMESTAMP_NTZ)
                && (ints[i] < 0 || ints[i] >= NANOS)) {
            // what the codec refuses on the direct path
            throw new IllegalArgumentException(
                    "Column '"
                            + columns[i].name()
                            + "' ("
                            + columns[i].type()
                            + "): nanos must be in [0, 999999999]: "
                            + ints[i]);
        }
        return switch (kinds[i]) {
            case NULL -> null;
            case BOOLEAN -> longs[i] != 0;
            case TINYINT -> (byte) longs[i];
            case SMALLINT -> (short) longs[i];
            case INT -> (int) longs[i];
            case BIGINT -> longs[i];
            case FLOAT -> Float.intBitsToFloat((int) longs[i]);
            case DOUBLE -> Double.longBitsToDouble(longs[i]);
            case STRING ->
                    columns[i].type().type() == OdpsType.STRING
                                    || columns[i].type().type() == OdpsType.BINARY
                            ? Arrays.copyOfRange(bytes, offsets[i], offsets[i] + ints[i])
                            : new String(bytes, offsets[i], ints[i], StandardCharsets.UTF_8);
            case BINARY -> Arrays.copyOfRange(bytes, offsets[i], offsets[i] + ints[i]);
            case DECIMAL_UNSCALED -> BigDecimal.valueOf(longs[i], ints[i]);
            case DATE -> LocalDate.ofEpochDay(longs[i]);
            case DATETIME -> Instant.ofEpochMilli(longs[i]);
            case TIMESTAMP -> Instant.ofEpochSecond(longs[i], ints[i]);
            case TIMESTAMP_NTZ -> LocalDateTime.ofEpochSecond(longs[i], ints[i], ZoneOffset.UTC);
            case INTERVAL_DAY_TIME -> Duration.ofSeconds(longs[i], ints[i]);
            case INTERVAL_YEAR_MONTH ->
                    Period.of(Math.toIntExact(longs[i] / 12), (int) (longs[i] % 12), 0);
            default -> objects[i];
        };
    }

    /** Fills {@code target[0 .. fieldCount)} with {@link #value}s and returns it. */
    public Object[] values(Object[] target) {
        for (int i = 0; i < columns.length; i++) {
            target[i] = value(i);
        }
        return target;
    }

    /**
     * The field as text (what a partition value is made of): strings decoded from UTF-8, other
     * values by their {@code toString()}; null when NULL.
     */
    public String text(int field) {
        int i = field;
        return switch (kinds[i]) {
            case NULL -> null;
            case STRING, BINARY -> new String(bytes, offsets[i], ints[i], StandardCharsets.UTF_8);
            case BOOLEAN, TINYINT, SMALLINT, INT, BIGINT ->
                    kinds[i] == BOOLEAN ? Boolean.toString(longs[i] != 0) : Long.toString(longs[i]);
            default -> {
                Object v = value(i);
                yield v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
            }
        };
    }

    /**
     * Whether field {@code field} holds what field {@code otherField} of {@code other} holds: the
     * same kind of setter and equal contents, or an object ({@link #setValue}, {@link
     * #setDecimal(int, BigDecimal)}) and another object or a string with the same {@link #text}.
     */
    public boolean sameValue(int field, StagedRecord other, int otherField) {
        byte kind = kinds[field];
        byte otherKind = other.kinds[otherField];
        if (isObject(kind) && (isObject(otherKind) || isBytes(otherKind))
                || isObject(otherKind) && isBytes(kind)) {
            // objects are compared by their text: the caller may change a mutable one later
            return Objects.equals(text(field), other.text(otherField));
        }
        if (kind != otherKind) {
            return false;
        }
        return switch (kind) {
            case NULL -> true;
            case STRING, BINARY ->
                    Arrays.equals(
                            bytes,
                            offsets[field],
                            offsets[field] + ints[field],
                            other.bytes,
                            other.offsets[otherField],
                            other.offsets[otherField] + other.ints[otherField]);
            default ->
                    longs[field] == other.longs[otherField]
                            && ints[field] == other.ints[otherField];
        };
    }

    private static boolean isBytes(byte kind) {
        return kind == STRING || kind == BINARY;
    }

    private static boolean isObject(byte kind) {
        return kind == DECIMAL || kind == VALUE;
    }

    /**
     * A hash of the field's contents that is the same in every JVM (no identity hash codes), equal
     * for fields that are {@link #sameValue}.
     */
    public int fieldHash(int field) {
        return switch (kinds[field]) {
            case NULL -> 0;
            case STRING, BINARY -> {
                int h = 1;
                for (int i = offsets[field], end = i + ints[field]; i < end; i++) {
                    h = 31 * h + bytes[i];
                }
                yield h;
            }
            case DECIMAL, VALUE -> {
                Object v = objects[field];
                if (v instanceof byte[] b) {
                    yield Arrays.hashCode(b);
                }
                // by its text (as sameValue compares objects), hashed as setString's bytes
                yield Arrays.hashCode(text(field).getBytes(StandardCharsets.UTF_8));
            }
            default -> 31 * Long.hashCode(longs[field]) + ints[field];
        };
    }

    /**
     * Sets field {@code field} to what field {@code sourceField} of {@code source} holds; an object
     * (a {@link #setValue} or {@link #setDecimal(int, BigDecimal)} value) is copied as its {@link
     * #text}, which {@link #sameValue} compares, so a caller changing its object later changes
     * nothing here.
     */
    public void copyField(int field, StagedRecord source, int sourceField) {
        byte kind = source.kinds[sourceField];
        if (kind == STRING || kind == BINARY) {
            copy(field, kind, source.bytes, source.offsets[sourceField], source.ints[sourceField]);
            return;
        }
        if (isObject(kind)) {
            String text = source.text(sourceField);
            if (columns[field].type().type().isText()) {
                setString(field, text);
            } else {
                object(field, VALUE, text);
            }
            return;
        }
        kinds[field] = kind;
        longs[field] = source.longs[sourceField];
        ints[field] = source.ints[sourceField];
        objects[field] = null;
    }

    /** Describes the field types, for messages. */
    @Override
    public String toString() {
        return "StagedRecord" + Arrays.toString(columns);
    }
}
