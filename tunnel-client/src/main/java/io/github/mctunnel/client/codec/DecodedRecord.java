package io.github.mctunnel.client.codec;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.OdpsType;
import io.github.mctunnel.client.schema.TypeInfo;

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

/**
 * The {@link RecordView} a {@link RecordStreamReader} decodes every record into: one slot per
 * column holding primitives (integers, float bits, seconds and nanos, a compact decimal's unscaled
 * value and scale), byte payloads as offset and length in one shared, growing array, and objects
 * for complex values and decimals too wide for a {@code long}. One more slot, after the columns,
 * holds a nested scalar value while it is boxed (see {@link #boxScratch}).
 *
 * <p>A slot holds a value when its stamp equals the record's generation, so starting a record
 * clears nothing but the byte count.
 */
final class DecodedRecord implements RecordView {

    /** Byte payloads grow the shared array by at most this much before the bytes arrive. */
    private static final int GROWTH_LIMIT = 1 << 20;

    /** The longest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    // the column types each getter reads, as masks of their ordinals
    private static final long LONG_TYPES =
            mask(OdpsType.BIGINT, OdpsType.INT, OdpsType.SMALLINT, OdpsType.TINYINT);
    private static final long INT_TYPES = mask(OdpsType.INT, OdpsType.SMALLINT, OdpsType.TINYINT);
    private static final long SHORT_TYPES = mask(OdpsType.SMALLINT, OdpsType.TINYINT);
    private static final long TINYINT_TYPE = mask(OdpsType.TINYINT);
    private static final long BOOLEAN_TYPE = mask(OdpsType.BOOLEAN);
    private static final long DOUBLE_TYPE = mask(OdpsType.DOUBLE);
    private static final long FLOAT_TYPE = mask(OdpsType.FLOAT);
    private static final long DECIMAL_TYPE = mask(OdpsType.DECIMAL);
    private static final long DATE_TYPE = mask(OdpsType.DATE);
    private static final long DATETIME_TYPE = mask(OdpsType.DATETIME);
    private static final long SECONDS_AND_NANOS_TYPES =
            mask(OdpsType.TIMESTAMP, OdpsType.TIMESTAMP_NTZ, OdpsType.INTERVAL_DAY_TIME);
    private static final long INTERVAL_YEAR_MONTH_TYPE = mask(OdpsType.INTERVAL_YEAR_MONTH);
    private static final long BYTES_TYPES =
            mask(OdpsType.STRING, OdpsType.VARCHAR, OdpsType.CHAR, OdpsType.JSON, OdpsType.BINARY);

    private final int columns;
    private final OdpsType[] kinds;
    private final int[] ordinals;
    private final boolean stringsAsBytes;
    private final int[] stamps;
    private final long[] longs;
    private final int[] ints;
    private final int[] lengths;
    private final Object[] objects;
    private static final int INITIAL_BYTES = 4096;

    /** A shared array over this size shrinks back after a record that used a quarter of it. */
    private static final int SHRINK_ABOVE = 1 << 20;

    private byte[] bytes = new byte[INITIAL_BYTES];
    private int used;
    private int generation = 1;

    DecodedRecord(Column[] columns, boolean stringsAsBytes) {
        this.columns = columns.length;
        int slots = columns.length + 1;
        this.kinds = new OdpsType[slots];
        this.ordinals = new int[slots];
        for (int i = 0; i < columns.length; i++) {
            kinds[i] = columns[i].type().type();
            ordinals[i] = kinds[i].ordinal();
        }
        this.stringsAsBytes = stringsAsBytes;
        this.stamps = new int[slots];
        this.longs = new long[slots];
        this.ints = new int[slots];
        this.lengths = new int[slots];
        this.objects = new Object[slots];
    }

    /** Starts the next record: every slot NULL, no bytes. */
    void clear() {
        generation++;
        if (generation == 0) {
            Arrays.fill(stamps, 0);
            generation = 1;
        }
        if (bytes.length > SHRINK_ABOVE && used < bytes.length / 4) {
            // one huge record does not keep its array for the rest of the response
            bytes = new byte[INITIAL_BYTES];
        }
        used = 0;
    }

    /** The slot that holds a nested scalar while it is boxed. */
    int scratchSlot(TypeInfo type) {
        kinds[columns] = type.type();
        ordinals[columns] = kinds[columns].ordinal();
        stamps[columns] = 0;
        return columns;
    }

    /** The scratch slot's value in the codec's Java mapping, null when it was NULL. */
    Object boxScratch() {
        return box(columns);
    }

    /** True when the slot holds a value in this record (what a duplicate column is found by). */
    boolean holdsValue(int slot) {
        return stamps[slot] == generation;
    }

    void setLong(int slot, long v) {
        longs[slot] = v;
        stamps[slot] = generation;
    }

    void setSecondsAndNanos(int slot, long seconds, int nanos) {
        longs[slot] = seconds;
        ints[slot] = nanos;
        stamps[slot] = generation;
    }

    void setCompactDecimal(int slot, long unscaled, int scale) {
        longs[slot] = unscaled;
        ints[slot] = scale;
        objects[slot] = null;
        stamps[slot] = generation;
    }

    void setObject(int slot, Object value) {
        objects[slot] = value;
        stamps[slot] = generation;
    }

    /** Marks the slot as holding the {@code length} bytes at {@code offset} of the shared array. */
    void setBytes(int slot, int offset, int length) {
        ints[slot] = offset;
        lengths[slot] = length;
        stamps[slot] = generation;
    }

    /**
     * Reads {@code len} bytes into the shared array, growing it as they arrive (a corrupt length
     * does not allocate more than has arrived), and feeds them to {@code crc}.
     *
     * @return where the bytes start in the shared array
     */
    int appendBytes(WireInput in, int len, RecordChecksum crc) throws IOException {
        int start = used;
        if ((long) start + len > MAX_ARRAY) {
            throw new IOException("a record's values take more than " + MAX_ARRAY + " bytes");
        }
        int done = 0;
        while (done < len) {
            int step = Math.min(len - done, GROWTH_LIMIT);
            ensureCapacity(used + step);
            in.readFully(bytes, used, step);
            used += step;
            done += step;
        }
        crc.updateBytes(bytes, start, len);
        return start;
    }

    private void ensureCapacity(int needed) {
        if (needed > bytes.length) {
            bytes =
                    Arrays.copyOf(
                            bytes, (int) Math.min(MAX_ARRAY, Math.max(needed, 2L * bytes.length)));
        }
    }

    /** Gives back the shared array's bytes from {@code offset} on (a value parsed and dropped). */
    void dropBytesFrom(int offset) {
        used = offset;
    }

    /** The bytes of this record's shared array (for parsing a value just read). */
    byte[] sharedBytes() {
        return bytes;
    }

    @Override
    public int columnCount() {
        return columns;
    }

    @Override
    public boolean isNull(int column) {
        return stamps[column] != generation;
    }

    @Override
    public long getLong(int column) {
        check(column, LONG_TYPES);
        return longs[column];
    }

    @Override
    public int getInt(int column) {
        check(column, INT_TYPES);
        return (int) longs[column];
    }

    @Override
    public short getShort(int column) {
        check(column, SHORT_TYPES);
        return (short) longs[column];
    }

    @Override
    public byte getByte(int column) {
        check(column, TINYINT_TYPE);
        return (byte) longs[column];
    }

    @Override
    public boolean getBoolean(int column) {
        check(column, BOOLEAN_TYPE);
        return longs[column] != 0;
    }

    @Override
    public double getDouble(int column) {
        check(column, DOUBLE_TYPE);
        return Double.longBitsToDouble(longs[column]);
    }

    @Override
    public float getFloat(int column) {
        check(column, FLOAT_TYPE);
        return Float.intBitsToFloat((int) longs[column]);
    }

    @Override
    public byte[] bytesArray(int column) {
        checkBytes(column);
        return bytes;
    }

    @Override
    public int bytesOffset(int column) {
        checkBytes(column);
        return ints[column];
    }

    @Override
    public int bytesLength(int column) {
        checkBytes(column);
        return lengths[column];
    }

    @Override
    public byte[] getBytes(int column) {
        checkBytes(column);
        return Arrays.copyOfRange(bytes, ints[column], ints[column] + lengths[column]);
    }

    @Override
    public boolean isCompactDecimal(int column) {
        check(column, DECIMAL_TYPE);
        return objects[column] == null;
    }

    @Override
    public long getUnscaledLong(int column) {
        checkCompact(column);
        return longs[column];
    }

    @Override
    public int getDecimalScale(int column) {
        checkCompact(column);
        return ints[column];
    }

    @Override
    public BigDecimal getDecimal(int column) {
        check(column, DECIMAL_TYPE);
        Object wide = objects[column];
        return wide != null ? (BigDecimal) wide : BigDecimal.valueOf(longs[column], ints[column]);
    }

    @Override
    public long getEpochDay(int column) {
        check(column, DATE_TYPE);
        return longs[column];
    }

    @Override
    public long getEpochMillis(int column) {
        check(column, DATETIME_TYPE);
        return longs[column];
    }

    @Override
    public long getSeconds(int column) {
        check(column, SECONDS_AND_NANOS_TYPES);
        return longs[column];
    }

    @Override
    public int getNanos(int column) {
        check(column, SECONDS_AND_NANOS_TYPES);
        return ints[column];
    }

    @Override
    public int getMonths(int column) {
        check(column, INTERVAL_YEAR_MONTH_TYPE);
        return (int) longs[column];
    }

    @Override
    public Object getObject(int column) {
        if (column >= columns) {
            throw new IndexOutOfBoundsException(
                    "Column " + column + " of a record with " + columns + " columns");
        }
        return box(column);
    }

    private Object box(int slot) {
        if (stamps[slot] != generation) {
            return null;
        }
        long v = longs[slot];
        switch (kinds[slot]) {
            case BIGINT:
                return v;
            case INT:
                return (int) v;
            case SMALLINT:
                return (short) v;
            case TINYINT:
                return (byte) v;
            case BOOLEAN:
                return v != 0;
            case DOUBLE:
                return Double.longBitsToDouble(v);
            case FLOAT:
                return Float.intBitsToFloat((int) v);
            case STRING:
                return stringsAsBytes ? copyBytes(slot) : utf8(slot);
            case VARCHAR:
            case CHAR:
            case JSON:
                return utf8(slot);
            case BINARY:
                return copyBytes(slot);
            case DECIMAL:
                {
                    Object wide = objects[slot];
                    return wide != null ? wide : BigDecimal.valueOf(v, ints[slot]);
                }
            case DATE:
                return LocalDate.ofEpochDay(v);
            case DATETIME:
                return Instant.ofEpochMilli(v);
            case TIMESTAMP:
                return Instant.ofEpochSecond(v, ints[slot]);
            case TIMESTAMP_NTZ:
                return LocalDateTime.ofEpochSecond(v, ints[slot], ZoneOffset.UTC);
            case INTERVAL_DAY_TIME:
                return Duration.ofSeconds(v, ints[slot]);
            case INTERVAL_YEAR_MONTH:
                return Period.ofMonths((int) v).normalized();
            default:
                return objects[slot];
        }
    }

    private String utf8(int slot) {
        return new String(bytes, ints[slot], lengths[slot], StandardCharsets.UTF_8);
    }

    private byte[] copyBytes(int slot) {
        return Arrays.copyOfRange(bytes, ints[slot], ints[slot] + lengths[slot]);
    }

    private void checkBytes(int column) {
        check(column, BYTES_TYPES);
    }

    private void checkCompact(int column) {
        check(column, DECIMAL_TYPE);
        if (objects[column] != null) {
            throw new IllegalStateException(
                    "Column " + column + ": the DECIMAL does not fit a long; use getDecimal");
        }
    }

    /** The types of {@code kinds}, as a bit mask of their ordinals. */
    private static long mask(OdpsType... kinds) {
        long m = 0;
        for (OdpsType k : kinds) {
            m |= 1L << k.ordinal();
        }
        return m;
    }

    /**
     * Checks that the column holds a value of one of the {@code allowed} types (a {@link #mask}).
     */
    private void check(int column, long allowed) {
        if ((allowed >>> ordinals[column] & 1) == 0
                || stamps[column] != generation
                || column >= columns) {
            throw misuse(column, allowed);
        }
    }

    private IllegalStateException misuse(int column, long allowed) {
        StringBuilder expected = new StringBuilder();
        for (OdpsType k : OdpsType.values()) {
            if ((allowed >>> k.ordinal() & 1) != 0) {
                expected.append(expected.length() == 0 ? "" : ", ").append(k);
            }
        }
        int last = expected.lastIndexOf(", ");
        if (last >= 0) {
            expected.replace(last, last + 2, " or ");
        }
        if (column >= columns) {
            throw new IndexOutOfBoundsException(
                    "Column " + column + " of a record with " + columns + " columns");
        }
        if (stamps[column] != generation) {
            return new IllegalStateException("Column " + column + " is NULL in this record");
        }
        return new IllegalStateException(
                "Column " + column + " has type " + kinds[column] + ", not " + expected);
    }
}
