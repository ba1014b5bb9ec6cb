package io.github.mctunnel.client.codec;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.OdpsType;
import io.github.mctunnel.client.schema.TypeInfo;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static io.github.mctunnel.client.codec.RecordStreamTags.WIRETYPE_FIXED32;
import static io.github.mctunnel.client.codec.RecordStreamTags.WIRETYPE_FIXED64;
import static io.github.mctunnel.client.codec.RecordStreamTags.WIRETYPE_LENGTH_DELIMITED;
import static io.github.mctunnel.client.codec.RecordStreamTags.WIRETYPE_VARINT;

/**
 * Writes one Tunnel record stream (protocol fact sheet §10) to an output stream; the caller wraps
 * compression around that stream.
 *
 * <p>Two ways to write a record:
 *
 * <ul>
 *   <li>{@link #write(Object[])}: one value per column, Java types as documented on the class
 *       {@link RecordStreamReader}; {@code null} is NULL.
 *   <li>Field by field without boxing, for serializers: {@code setXxx(column, value)} for the
 *       columns in increasing column order (columns not set are NULL), nested values with {@code
 *       beginArray/beginMap/beginStruct}, their elements with {@code addXxx(value)} / {@link
 *       #addNull()} and {@code endArray/endMap/endStruct}, then {@link #endRecord()}. A map of n
 *       entries takes its n keys first, then its n values; a struct takes one element per declared
 *       field.
 * </ul>
 *
 * <p>A call that fails validation throws {@link IllegalArgumentException} (wrong value) or {@link
 * IllegalStateException} (wrong call order) and discards the record in progress, so the stream
 * stays valid and the next record can be written. Records are encoded into an internal buffer that
 * is handed to the output stream at record boundaries once it holds at least 64 KiB, and by {@link
 * #finish()}.
 *
 * <p>Not thread-safe.
 */
public final class RecordStreamWriter {

    /** Default limit for one field's encoded size: 8 MiB, the service's default. */
    public static final int DEFAULT_MAX_FIELD_SIZE = 8 * 1024 * 1024;

    private static final int FLUSH_THRESHOLD = 64 * 1024;
    private static final int NANOS_PER_SECOND = 1_000_000_000;
    private static final int MAX_DESCRIBED_CHARS = 100;

    private final Column[] columns;
    private final boolean[] required;
    private final boolean anyRequired;
    private OutputStream out;
    private final int maxFieldSize;
    private final WireBuffer buf = new WireBuffer(FLUSH_THRESHOLD + 8192);
    private final RecordChecksum recordCrc = new RecordChecksum();
    private final RecordChecksum streamCrc = new RecordChecksum();

    private long count;
    private boolean finished;

    /** Buffer position where the record in progress starts. */
    private int recordStart;

    /** Last top-level column written in the record in progress, -1 before the first. */
    private int lastColumn = -1;

    /** Buffer position where the payload of the current top-level field starts. */
    private int fieldStart;

    private TypeInfo[] frameType = new TypeInfo[4];
    private int[] frameIndex = new int[4];
    private int[] frameLength = new int[4];
    private int depth;

    /** The ASCII digits of the decimal being written. */
    private byte[] decimalScratch = new byte[24];

    public RecordStreamWriter(List<Column> columns, OutputStream out) {
        this(columns, out, DEFAULT_MAX_FIELD_SIZE);
    }

    /**
     * @param maxFieldSize largest allowed encoded size of one field in bytes (the service's {@code
     *     odps.sql.cfile2.field.maxsize}, 8 MiB unless the project raised it)
     */
    public RecordStreamWriter(List<Column> columns, OutputStream out, int maxFieldSize) {
        Objects.requireNonNull(columns, "columns");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a record stream needs at least one column");
        }
        if (maxFieldSize < 1) {
            throw new IllegalArgumentException("maxFieldSize must be positive: " + maxFieldSize);
        }
        this.columns = columns.toArray(new Column[0]);
        this.required = new boolean[this.columns.length];
        boolean any = false;
        for (int i = 0; i < this.columns.length; i++) {
            required[i] = !this.columns[i].nullable();
            any |= required[i];
        }
        this.anyRequired = any;
        this.out = Objects.requireNonNull(out, "out");
        this.maxFieldSize = maxFieldSize;
    }

    /**
     * Starts a new record stream into {@code out}, keeping this writer's buffers (a writer per
     * block or pack allocates them once). Whatever was not finished is dropped.
     */
    public void restart(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
        buf.truncate(0);
        recordCrc.reset();
        streamCrc.reset();
        count = 0;
        finished = false;
        recordStart = 0;
        lastColumn = -1;
        depth = 0;
    }

    /** Number of complete records written so far. */
    public long recordCount() {
        return count;
    }

    // ------------------------------------------------------------------ generic path

    /**
     * Writes one record. {@code values.length} must equal the number of columns; {@code null} is
     * NULL at every level.
     *
     * @throws IllegalArgumentException naming the column, its type and the offending value when a
     *     value does not fit its column; the record is not written
     */
    public void write(Object[] values) throws IOException {
        checkOpen();
        if (lastColumn >= 0 || depth > 0) {
            throw failState("a record is in progress through the field-by-field methods");
        }
        if (values.length != columns.length) {
            throw fail(
                    "the record has "
                            + values.length
                            + " values but the schema has "
                            + columns.length
                            + " columns");
        }
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v == null) {
                continue;
            }
            encodeField(i, columns[i].type(), v);
        }
        endRecord();
    }

    private void encode(TypeInfo t, Object v) {
        switch (t.type()) {
            case BIGINT -> putBigint(as(Long.class, v, t));
            case INT -> putIntegral(as(Integer.class, v, t));
            case SMALLINT -> putIntegral(as(Short.class, v, t));
            case TINYINT -> putIntegral(as(Byte.class, v, t));
            case BOOLEAN -> putBoolean(as(Boolean.class, v, t));
            case DOUBLE -> putDouble(as(Double.class, v, t));
            case FLOAT -> putFloat(as(Float.class, v, t));
            case STRING -> {
                if (v instanceof byte[] b) {
                    putBytes(b, 0, b.length);
                } else {
                    byte[] b = as(String.class, v, t).getBytes(StandardCharsets.UTF_8);
                    putBytes(b, 0, b.length);
                }
            }
            case VARCHAR, CHAR, JSON -> {
                byte[] b = as(String.class, v, t).getBytes(StandardCharsets.UTF_8);
                putText(t, b, 0, b.length);
            }
            case BINARY -> {
                byte[] b = as(byte[].class, v, t);
                putBytes(b, 0, b.length);
            }
            case DECIMAL -> putDecimal(t, as(BigDecimal.class, v, t));
            case DATE -> putIntegral(as(LocalDate.class, v, t).toEpochDay());
            case DATETIME -> {
                Instant instant = as(Instant.class, v, t);
                long millis;
                try {
                    millis = instant.toEpochMilli();
                } catch (ArithmeticException e) {
                    throw new ValueMismatch(describe(v) + " is out of the DATETIME range");
                }
                putIntegral(millis);
            }
            case TIMESTAMP -> {
                Instant instant = as(Instant.class, v, t);
                putSecondsNanos(instant.getEpochSecond(), instant.getNano());
            }
            case TIMESTAMP_NTZ -> {
                LocalDateTime ldt = as(LocalDateTime.class, v, t);
                putSecondsNanos(ldt.toEpochSecond(ZoneOffset.UTC), ldt.getNano());
            }
            case INTERVAL_DAY_TIME -> {
                Duration d = as(Duration.class, v, t);
                // Seconds rounded down and nanos in [0, 10^9), exactly what the SDK writes for
                // new IntervalDayTime(d.getSeconds(), d.getNano()).
                putSecondsNanos(d.getSeconds(), d.getNano());
            }
            case INTERVAL_YEAR_MONTH -> {
                Period p = as(Period.class, v, t);
                if (p.getDays() != 0) {
                    throw new ValueMismatch(
                            describe(v)
                                    + " has days; INTERVAL_YEAR_MONTH holds years and months only");
                }
                putIntegral(p.toTotalMonths());
            }
            case ARRAY -> encodeArray(t.elementType(), as(List.class, v, t));
            case MAP -> encodeMap(t, as(Map.class, v, t));
            case STRUCT -> encodeStruct(t, as(List.class, v, t));
        }
    }

    private void encodeArray(TypeInfo elementType, List<?> list) {
        int n = list.size();
        buf.writeVarint32(n);
        for (int i = 0; i < n; i++) {
            Object e = list.get(i);
            if (e == null) {
                buf.writeByte(1);
            } else {
                buf.writeByte(0);
                try {
                    encode(elementType, e);
                } catch (ValueMismatch m) {
                    throw m.at("[" + i + "]");
                }
            }
        }
    }

    private void encodeMap(TypeInfo t, Map<?, ?> map) {
        int n = map.size();
        buf.writeVarint32(n);
        int i = 0;
        for (Object k : map.keySet()) {
            i = encodeMapPart(t.keyType(), k, i, "{key ");
        }
        buf.writeVarint32(n);
        i = 0;
        for (Object v : map.values()) {
            i = encodeMapPart(t.valueType(), v, i, "{value ");
        }
    }

    private int encodeMapPart(TypeInfo t, Object v, int i, String what) {
        if (v == null) {
            buf.writeByte(1);
        } else {
            buf.writeByte(0);
            try {
                encode(t, v);
            } catch (ValueMismatch m) {
                throw m.at(what + i + "}");
            }
        }
        return i + 1;
    }

    private void encodeStruct(TypeInfo t, List<?> values) {
        List<TypeInfo.Field> fields = t.fields();
        if (values.size() != fields.size()) {
            throw new ValueMismatch(
                    "the struct has "
                            + fields.size()
                            + " fields but the value has "
                            + values.size()
                            + ": "
                            + describe(values));
        }
        for (int i = 0; i < fields.size(); i++) {
            Object e = values.get(i);
            if (e == null) {
                buf.writeByte(1);
            } else {
                buf.writeByte(0);
                try {
                    encode(fields.get(i).type(), e);
                } catch (ValueMismatch m) {
                    throw m.at("." + fields.get(i).name());
                }
            }
        }
    }

    private static <T> T as(Class<T> expected, Object v, TypeInfo t) {
        if (!expected.isInstance(v)) {
            String wanted =
                    t.type() == OdpsType.STRING
                            ? "java.lang.String or byte[]"
                            : expected.getName().equals("[B") ? "byte[]" : expected.getName();
            throw new ValueMismatch("expected " + wanted + " but got " + describe(v));
        }
        return expected.cast(v);
    }

    // ------------------------------------------------------------------ field-by-field path

    /** Marks a top-level column NULL (the same as not setting it). */
    public void setNull(int col) {
        column(col);
        if (required[col]) {
            throw fail(
                    "Column '"
                            + columns[col].name()
                            + "' ("
                            + columns[col].type()
                            + ") is NOT NULL but the record has no value for it");
        }
        lastColumn = col;
    }

    public void setBigint(int col, long v) {
        beginField(col, OdpsType.BIGINT);
        try {
            putBigint(v);
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    public void setInt(int col, int v) {
        beginField(col, OdpsType.INT);
        putIntegral(v);
    }

    public void setSmallint(int col, short v) {
        beginField(col, OdpsType.SMALLINT);
        putIntegral(v);
    }

    public void setTinyint(int col, byte v) {
        beginField(col, OdpsType.TINYINT);
        putIntegral(v);
    }

    public void setBoolean(int col, boolean v) {
        beginField(col, OdpsType.BOOLEAN);
        putBoolean(v);
    }

    public void setDouble(int col, double v) {
        beginField(col, OdpsType.DOUBLE);
        putDouble(v);
    }

    public void setFloat(int col, float v) {
        beginField(col, OdpsType.FLOAT);
        putFloat(v);
    }

    /** STRING, VARCHAR, CHAR or JSON column: the UTF-8 bytes {@code utf8[off, off+len)}. */
    public void setString(int col, byte[] utf8, int off, int len) {
        TypeInfo t = column(col);
        if (!t.type().isText()) {
            throw fail(mismatch(col, t, "a string"));
        }
        beginField(col, WIRETYPE_LENGTH_DELIMITED);
        try {
            putText(t, utf8, off, len);
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    /** BINARY or STRING column: the bytes {@code bytes[off, off+len)}. */
    public void setBinary(int col, byte[] bytes, int off, int len) {
        TypeInfo t = column(col);
        if (t.type() != OdpsType.BINARY && t.type() != OdpsType.STRING) {
            throw fail(mismatch(col, t, "binary"));
        }
        beginField(col, WIRETYPE_LENGTH_DELIMITED);
        try {
            putBytes(bytes, off, len);
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    public void setDecimal(int col, BigDecimal v) {
        TypeInfo t = beginField(col, OdpsType.DECIMAL);
        try {
            putDecimal(t, v);
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    /**
     * DECIMAL column: {@code unscaled * 10^-scale}. Written as the same digits as {@link
     * #setDecimal(int, BigDecimal)} writes for {@code BigDecimal.valueOf(unscaled, scale)}, without
     * creating it when {@code 0 <= scale <= }the column's scale.
     */
    public void setDecimal(int col, long unscaled, int scale) {
        TypeInfo t = beginField(col, OdpsType.DECIMAL);
        try {
            if (scale < 0 || scale > t.scale() || unscaled == Long.MIN_VALUE) {
                putDecimal(t, BigDecimal.valueOf(unscaled, scale));
            } else {
                putUnscaledDecimal(t, unscaled, scale);
            }
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    /**
     * Any top-level column, as a value of the Java mapping of {@link #write(Object[])}; null makes
     * it NULL.
     */
    public void setValue(int col, Object v) {
        if (v == null) {
            setNull(col);
            return;
        }
        encodeField(col, column(col), v);
    }

    /** One non-null top-level value of the Java mapping, named by column when it does not fit. */
    private void encodeField(int col, TypeInfo t, Object v) {
        beginField(col, wireType(t.type()));
        try {
            encode(t, v);
        } catch (ValueMismatch e) {
            throw fail(
                    "Column '"
                            + columns[col].name()
                            + "' ("
                            + t
                            + ")"
                            + e.path
                            + ": "
                            + e.getMessage());
        }
        if (t.type().isNested()) {
            checkFieldSize(col);
        }
    }

    /** DATE column: days since 1970-01-01. */
    public void setDate(int col, long epochDay) {
        beginField(col, OdpsType.DATE);
        putIntegral(epochDay);
    }

    /** DATETIME column: milliseconds since the epoch, UTC. */
    public void setDatetime(int col, long epochMillis) {
        beginField(col, OdpsType.DATETIME);
        putIntegral(epochMillis);
    }

    /** TIMESTAMP column: seconds since the epoch and nanos of the second (0 to 999,999,999). */
    public void setTimestamp(int col, long epochSeconds, int nanos) {
        beginField(col, OdpsType.TIMESTAMP);
        try {
            putTimestamp(epochSeconds, nanos);
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    /** TIMESTAMP_NTZ column: the local date-time read as UTC, in seconds and nanos. */
    public void setTimestampNtz(int col, long epochSeconds, int nanos) {
        beginField(col, OdpsType.TIMESTAMP_NTZ);
        try {
            putTimestamp(epochSeconds, nanos);
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    /**
     * INTERVAL_DAY_TIME column: total seconds and nanos, {@code |nanos| < 10^9}; the value is
     * seconds + nanos / 10^9. The SDK writes {@link Duration}'s form (seconds rounded down, nanos
     * in [0, 10^9)).
     */
    public void setIntervalDayTime(int col, long seconds, int nanos) {
        beginField(col, OdpsType.INTERVAL_DAY_TIME);
        try {
            putInterval(seconds, nanos);
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    /** INTERVAL_YEAR_MONTH column: total months (1 year 2 months is 14). */
    public void setIntervalYearMonth(int col, long totalMonths) {
        beginField(col, OdpsType.INTERVAL_YEAR_MONTH);
        putIntegral(totalMonths);
    }

    /** Starts an ARRAY column of {@code size} elements; add them, then {@link #endArray()}. */
    public void beginArray(int col, int size) {
        TypeInfo t = beginField(col, OdpsType.ARRAY);
        push(t, size);
    }

    /**
     * Starts a MAP column of {@code size} entries: add the {@code size} keys, then the {@code size}
     * values, then {@link #endMap()}.
     */
    public void beginMap(int col, int size) {
        TypeInfo t = beginField(col, OdpsType.MAP);
        push(t, size);
    }

    /** Starts a STRUCT column: add one element per declared field, then {@link #endStruct()}. */
    public void beginStruct(int col) {
        TypeInfo t = beginField(col, OdpsType.STRUCT);
        push(t, t.fields().size());
    }

    public void addNull() {
        nextSlot();
        buf.writeByte(1);
        frameIndex[depth - 1]++;
    }

    public void addBigint(long v) {
        beginElement(OdpsType.BIGINT);
        try {
            putBigint(v);
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    public void addInt(int v) {
        beginElement(OdpsType.INT);
        putIntegral(v);
    }

    public void addSmallint(short v) {
        beginElement(OdpsType.SMALLINT);
        putIntegral(v);
    }

    public void addTinyint(byte v) {
        beginElement(OdpsType.TINYINT);
        putIntegral(v);
    }

    public void addBoolean(boolean v) {
        beginElement(OdpsType.BOOLEAN);
        putBoolean(v);
    }

    public void addDouble(double v) {
        beginElement(OdpsType.DOUBLE);
        putDouble(v);
    }

    public void addFloat(float v) {
        beginElement(OdpsType.FLOAT);
        putFloat(v);
    }

    /** Element of STRING, VARCHAR, CHAR or JSON type: UTF-8 bytes. */
    public void addString(byte[] utf8, int off, int len) {
        TypeInfo t = nextSlot();
        if (!t.type().isText()) {
            throw fail(elementMismatch(t, "a string"));
        }
        startElement();
        try {
            putText(t, utf8, off, len);
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    /** Element of BINARY or STRING type. */
    public void addBinary(byte[] bytes, int off, int len) {
        TypeInfo t = nextSlot();
        if (t.type() != OdpsType.BINARY && t.type() != OdpsType.STRING) {
            throw fail(elementMismatch(t, "binary"));
        }
        startElement();
        try {
            putBytes(bytes, off, len);
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    public void addDecimal(BigDecimal v) {
        TypeInfo t = beginElement(OdpsType.DECIMAL);
        try {
            putDecimal(t, v);
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    public void addDate(long epochDay) {
        beginElement(OdpsType.DATE);
        putIntegral(epochDay);
    }

    public void addDatetime(long epochMillis) {
        beginElement(OdpsType.DATETIME);
        putIntegral(epochMillis);
    }

    public void addTimestamp(long epochSeconds, int nanos) {
        beginElement(OdpsType.TIMESTAMP);
        try {
            putTimestamp(epochSeconds, nanos);
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    public void addTimestampNtz(long epochSeconds, int nanos) {
        beginElement(OdpsType.TIMESTAMP_NTZ);
        try {
            putTimestamp(epochSeconds, nanos);
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    public void addIntervalDayTime(long seconds, int nanos) {
        beginElement(OdpsType.INTERVAL_DAY_TIME);
        try {
            putInterval(seconds, nanos);
        } catch (ValueMismatch e) {
            throw badValue(e);
        }
    }

    public void addIntervalYearMonth(long totalMonths) {
        beginElement(OdpsType.INTERVAL_YEAR_MONTH);
        putIntegral(totalMonths);
    }

    /** Starts a nested ARRAY element; end it with {@link #endArray()}. */
    public void addArray(int size) {
        TypeInfo t = beginElement(OdpsType.ARRAY);
        push(t, size);
    }

    /** Starts a nested MAP element; end it with {@link #endMap()}. */
    public void addMap(int size) {
        TypeInfo t = beginElement(OdpsType.MAP);
        push(t, size);
    }

    /** Starts a nested STRUCT element; end it with {@link #endStruct()}. */
    public void addStruct() {
        TypeInfo t = beginElement(OdpsType.STRUCT);
        push(t, t.fields().size());
    }

    public void endArray() {
        endFrame(OdpsType.ARRAY);
    }

    public void endMap() {
        endFrame(OdpsType.MAP);
    }

    public void endStruct() {
        endFrame(OdpsType.STRUCT);
    }

    /** Completes the record set through the field-by-field methods. */
    public void endRecord() throws IOException {
        checkOpen();
        if (depth > 0) {
            throw failState(
                    "cannot end the record: the "
                            + frameType[depth - 1].type().typeName()
                            + " at "
                            + location()
                            + " is not ended");
        }
        checkRequired(columns.length);
        int crc = recordCrc.value();
        buf.writeVarint32(RecordStreamTags.END_RECORD_TAG);
        buf.writeVarint32(crc);
        streamCrc.updateInt(crc);
        recordCrc.reset();
        count++;
        lastColumn = -1;
        if (buf.size() >= FLUSH_THRESHOLD) {
            buf.writeTo(out);
        }
        recordStart = buf.size();
    }

    /**
     * Writes the trailer (record count and stream checksum) and flushes {@code out}; does not close
     * it. No record may be in progress.
     */
    public void finish() throws IOException {
        checkOpen();
        if (lastColumn >= 0 || depth > 0) {
            throw new IllegalStateException(
                    "cannot finish the stream: record " + (count + 1) + " is not ended");
        }
        finished = true;
        buf.writeVarint32(RecordStreamTags.META_COUNT_TAG);
        buf.writeSInt64(count);
        buf.writeVarint32(RecordStreamTags.META_CHECKSUM_TAG);
        buf.writeVarint32(streamCrc.value());
        buf.writeTo(out);
        out.flush();
    }

    // ------------------------------------------------------------------ payload encoders

    private void putBigint(long v) {
        if (v == Long.MIN_VALUE) {
            throw new ValueMismatch(
                    "BIGINT value -9223372036854775808 (-2^63) is out of range; MaxCompute BIGINT"
                            + " is [-2^63+1, 2^63-1]");
        }
        recordCrc.updateLong(v);
        buf.writeSInt64(v);
    }

    private void putIntegral(long v) {
        recordCrc.updateLong(v);
        buf.writeSInt64(v);
    }

    private void putBoolean(boolean v) {
        recordCrc.updateBoolean(v);
        buf.writeByte(v ? 1 : 0);
    }

    private void putDouble(double v) {
        recordCrc.updateDouble(v);
        buf.writeFixed64(Double.doubleToRawLongBits(v));
    }

    private void putFloat(float v) {
        recordCrc.updateFloat(v);
        buf.writeFixed32(Float.floatToRawIntBits(v));
    }

    private void putBytes(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len > maxFieldSize) {
            throw new ValueMismatch(
                    "the value is "
                            + len
                            + " bytes, more than the field size limit of "
                            + maxFieldSize
                            + " bytes (the project setting odps.sql.cfile2.field.maxsize)");
        }
        recordCrc.updateBytes(b, off, len);
        buf.writeVarint32(len);
        buf.writeBytes(b, off, len);
    }

    private void putText(TypeInfo t, byte[] utf8, int off, int len) {
        if (t.type() == OdpsType.VARCHAR || t.type() == OdpsType.CHAR) {
            Objects.checkFromIndexSize(off, len, utf8.length);
            int codePoints = 0;
            for (int i = off, end = off + len; i < end; i++) {
                if ((utf8[i] & 0xC0) != 0x80) {
                    codePoints++;
                }
            }
            if (codePoints > t.length()) {
                throw new ValueMismatch(
                        "the value has "
                                + codePoints
                                + " characters, more than the declared "
                                + t.length()
                                + ": "
                                + describe(new String(utf8, off, len, StandardCharsets.UTF_8)));
            }
        }
        putBytes(utf8, off, len);
    }

    private void putDecimal(TypeInfo t, BigDecimal v) {
        Objects.requireNonNull(v, "decimal value");
        if (v.scale() >= 0 && v.scale() <= t.scale() && v.precision() <= 18) {
            // the same digits as toPlainString(), without building the string
            putUnscaledDecimal(t, v.unscaledValue().longValue(), v.scale());
            return;
        }
        int allowed = t.precision() - t.scale();
        if (v.signum() != 0 && (long) v.precision() - v.scale() > allowed + 1L) {
            // too many integer digits even before rounding (checked first: rescaling a value
            // such as 1E+999999999 would take forever)
            throw new ValueMismatch(
                    "decimal " + shown(v) + " has more than " + allowed + " integer digits");
        }
        BigDecimal rounded;
        if ((long) v.scale() - v.precision() > t.scale()) {
            // |v| < 10^-(scale+1): rounds to zero (without rescaling a value such as 1E-999999999)
            rounded = BigDecimal.ZERO.setScale(t.scale());
        } else {
            rounded = v.setScale(t.scale(), RoundingMode.HALF_UP);
        }
        if (rounded.precision() - rounded.scale() > allowed) {
            throw new ValueMismatch(
                    "decimal " + shown(v) + " has more than " + allowed + " integer digits");
        }
        // more fractional digits than the column keeps: the rounded value (what the service
        // stores), so the text stays as short as the column's digits
        BigDecimal written = v.scale() > t.scale() ? rounded : v;
        byte[] ascii = written.toPlainString().getBytes(StandardCharsets.US_ASCII);
        putBytes(ascii, 0, ascii.length);
    }

    /** A decimal for a message: its plain digits, or scientific notation when they are many. */
    private static String shown(BigDecimal v) {
        return Math.abs((long) v.scale()) > 64 ? v.toString() : v.toPlainString();
    }

    /** The digits of {@code unscaled * 10^-scale}, {@code 0 <= scale <= t.scale()}. */
    private void putUnscaledDecimal(TypeInfo t, long unscaled, int scale) {
        long magnitude = Math.abs(unscaled);
        int digits = decimalDigits(magnitude);
        int allowed = t.precision() - t.scale();
        if (digits - scale > allowed && magnitude != 0) {
            throw new ValueMismatch(
                    "decimal "
                            + BigDecimal.valueOf(unscaled, scale).toPlainString()
                            + " has more than "
                            + allowed
                            + " integer digits");
        }
        // BigDecimal.toPlainString(): sign, integer digits (at least one), '.', scale digits
        int integerDigits = Math.max(digits - scale, 1);
        int length = (unscaled < 0 ? 1 : 0) + integerDigits + (scale > 0 ? 1 + scale : 0);
        if (decimalScratch.length < length) {
            decimalScratch = new byte[length];
        }
        byte[] d = decimalScratch;
        int pos = length;
        long rest = magnitude;
        for (int i = 0; i < scale; i++) {
            d[--pos] = (byte) ('0' + (int) (rest % 10));
            rest /= 10;
        }
        if (scale > 0) {
            d[--pos] = '.';
        }
        do {
            d[--pos] = (byte) ('0' + (int) (rest % 10));
            rest /= 10;
        } while (rest != 0);
        if (unscaled < 0) {
            d[--pos] = '-';
        }
        putBytes(d, 0, length);
    }

    private static int decimalDigits(long magnitude) {
        int n = 1;
        long limit = 10;
        while (n < 19 && magnitude >= limit) {
            n++;
            limit *= 10;
        }
        return n;
    }

    private void putTimestamp(long seconds, int nanos) {
        if (nanos < 0 || nanos >= NANOS_PER_SECOND) {
            throw new ValueMismatch("nanos must be in [0, 999999999]: " + nanos);
        }
        putSecondsNanos(seconds, nanos);
    }

    private void putInterval(long seconds, int nanos) {
        if (nanos <= -NANOS_PER_SECOND || nanos >= NANOS_PER_SECOND) {
            throw new ValueMismatch("interval nanos must be in (-10^9, 10^9): " + nanos);
        }
        putSecondsNanos(seconds, nanos);
    }

    private void putSecondsNanos(long seconds, int nanos) {
        recordCrc.updateLong(seconds);
        recordCrc.updateInt(nanos);
        buf.writeSInt64(seconds);
        buf.writeSInt32(nanos);
    }

    // ------------------------------------------------------------------ state and validation

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("the record stream is already finished");
        }
    }

    private TypeInfo column(int col) {
        checkOpen();
        if (depth > 0) {
            throw failState(
                    "cannot set column "
                            + col
                            + ": the "
                            + frameType[depth - 1].type().typeName()
                            + " at "
                            + location()
                            + " is not ended");
        }
        if (col < 0 || col >= columns.length) {
            throw fail("column index " + col + " is out of range [0, " + columns.length + ")");
        }
        if (col <= lastColumn) {
            throw failState(
                    "columns must be set in increasing order: column "
                            + col
                            + " after column "
                            + lastColumn);
        }
        checkRequired(col);
        return columns[col].type();
    }

    /** Fails if a NOT NULL column before {@code col} was skipped. */
    private void checkRequired(int col) {
        if (anyRequired) {
            for (int i = lastColumn + 1; i < col; i++) {
                if (required[i]) {
                    throw fail(
                            "Column '"
                                    + columns[i].name()
                                    + "' ("
                                    + columns[i].type()
                                    + ") is NOT NULL but the record has no value for it");
                }
            }
        }
    }

    private TypeInfo beginField(int col, OdpsType expected) {
        TypeInfo t = column(col);
        if (t.type() != expected) {
            throw fail(mismatch(col, t, expected.typeName()));
        }
        beginField(col, wireType(expected));
        return t;
    }

    private void beginField(int col, int wireType) {
        if (col <= lastColumn) {
            throw failState(
                    "columns must be set in increasing order: column "
                            + col
                            + " after column "
                            + lastColumn);
        }
        if (anyRequired) {
            checkRequired(col);
        }
        buf.writeVarint32(RecordStreamTags.tag(col + 1, wireType));
        recordCrc.updateInt(col + 1);
        lastColumn = col;
        fieldStart = buf.size();
    }

    private void checkFieldSize(int col) {
        int size = buf.size() - fieldStart;
        if (size > maxFieldSize) {
            throw fail(
                    "Column '"
                            + columns[col].name()
                            + "' ("
                            + columns[col].type()
                            + "): the value is "
                            + size
                            + " bytes encoded, more than the field size limit of "
                            + maxFieldSize
                            + " bytes (the project setting odps.sql.cfile2.field.maxsize)");
        }
    }

    private static int wireType(OdpsType t) {
        return switch (t) {
            case BIGINT, INT, SMALLINT, TINYINT, BOOLEAN, DATE, DATETIME, INTERVAL_YEAR_MONTH ->
                    WIRETYPE_VARINT;
            case DOUBLE -> WIRETYPE_FIXED64;
            case FLOAT -> WIRETYPE_FIXED32;
            default -> WIRETYPE_LENGTH_DELIMITED;
        };
    }

    private void push(TypeInfo t, int size) {
        if (size < 0) {
            throw fail("negative " + t.type().typeName() + " size " + size + " at " + location());
        }
        if (depth == frameType.length) {
            frameType = Arrays.copyOf(frameType, depth * 2);
            frameIndex = Arrays.copyOf(frameIndex, depth * 2);
            frameLength = Arrays.copyOf(frameLength, depth * 2);
        }
        frameType[depth] = t;
        frameIndex[depth] = 0;
        frameLength[depth] = t.type() == OdpsType.MAP ? 2 * size : size;
        depth++;
        if (t.type() != OdpsType.STRUCT) {
            buf.writeVarint32(size);
        }
    }

    /**
     * Validates that the open nested value takes another element and returns that element's type;
     * writes the value count of a map before its first value.
     */
    private TypeInfo nextSlot() {
        checkOpen();
        if (depth == 0) {
            throw failState("no array, map or struct is open");
        }
        int d = depth - 1;
        TypeInfo t = frameType[d];
        int i = frameIndex[d];
        int n = frameLength[d];
        if (i >= n) {
            throw failState(
                    "the "
                            + t.type().typeName()
                            + " at "
                            + location()
                            + " already has all its "
                            + (t.type() == OdpsType.MAP ? n / 2 + " entries" : n + " elements"));
        }
        if (buf.size() - fieldStart > maxFieldSize) {
            checkFieldSize(lastColumn);
        }
        return switch (t.type()) {
            case ARRAY -> t.elementType();
            case MAP -> {
                if (i < n / 2) {
                    yield t.keyType();
                }
                if (i == n / 2) {
                    buf.writeVarint32(n / 2);
                }
                yield t.valueType();
            }
            default -> t.fields().get(i).type();
        };
    }

    private TypeInfo beginElement(OdpsType expected) {
        TypeInfo t = nextSlot();
        if (t.type() != expected) {
            throw fail(elementMismatch(t, expected.typeName()));
        }
        startElement();
        return t;
    }

    private void startElement() {
        buf.writeByte(0);
        frameIndex[depth - 1]++;
    }

    private void endFrame(OdpsType kind) {
        checkOpen();
        if (depth == 0 || frameType[depth - 1].type() != kind) {
            throw failState(
                    "end"
                            + kind.typeName()
                            + "() but "
                            + (depth == 0
                                    ? "no nested value is open"
                                    : "the open value at "
                                            + location()
                                            + " is a "
                                            + frameType[depth - 1].type().typeName()));
        }
        int d = depth - 1;
        int n = frameLength[d];
        if (frameIndex[d] != n) {
            throw failState(
                    "the "
                            + kind.typeName()
                            + " at "
                            + location()
                            + " was declared with "
                            + (kind == OdpsType.MAP ? n / 2 + " entries" : n + " elements")
                            + " but got "
                            + frameIndex[d]
                            + " elements");
        }
        if (kind == OdpsType.MAP && n == 0) {
            buf.writeVarint32(0);
        }
        depth--;
        if (depth == 0) {
            checkFieldSize(lastColumn);
        }
    }

    /** Where the next element goes, e.g. {@code tags[2]}, {@code m{value 1}.name}. */
    private String location() {
        return location(0);
    }

    /** Like {@link #location()} but {@code backOff} elements earlier in the innermost value. */
    private String location(int backOff) {
        StringBuilder sb = new StringBuilder("'").append(columns[lastColumn].name());
        for (int d = 0; d < depth; d++) {
            TypeInfo t = frameType[d];
            int i = d == depth - 1 ? frameIndex[d] - backOff : frameIndex[d] - 1;
            switch (t.type()) {
                case ARRAY -> sb.append('[').append(i).append(']');
                case MAP -> {
                    int half = frameLength[d] / 2;
                    sb.append(i < half ? "{key " + i + "}" : "{value " + (i - half) + "}");
                }
                default -> {
                    if (i < t.fields().size()) {
                        sb.append('.').append(t.fields().get(i).name());
                    } else {
                        sb.append(".<end>");
                    }
                }
            }
        }
        return sb.append('\'').toString();
    }

    private String mismatch(int col, TypeInfo t, String what) {
        return "Column '" + columns[col].name() + "' is " + t + "; cannot write " + what + " to it";
    }

    private String elementMismatch(TypeInfo t, String what) {
        return "The element at " + location() + " is " + t + "; cannot write " + what + " to it";
    }

    /** A bad value on the field-by-field path: names the column or element. */
    private IllegalArgumentException badValue(ValueMismatch e) {
        String where =
                depth == 0
                        ? "Column '"
                                + columns[lastColumn].name()
                                + "' ("
                                + columns[lastColumn].type()
                                + ")"
                        : "The element at " + location(1);
        return fail(where + ": " + e.getMessage());
    }

    /** Drops the record in progress so the stream stays valid. */
    private void discardRecord() {
        buf.truncate(recordStart);
        recordCrc.reset();
        lastColumn = -1;
        depth = 0;
    }

    private IllegalArgumentException fail(String message) {
        discardRecord();
        return new IllegalArgumentException(message);
    }

    private IllegalStateException failState(String message) {
        discardRecord();
        return new IllegalStateException(message);
    }

    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof byte[] b) {
            return "byte[" + b.length + "]";
        }
        String s = String.valueOf(v);
        if (s.length() > MAX_DESCRIBED_CHARS) {
            s = s.substring(0, MAX_DESCRIBED_CHARS) + "...(" + s.length() + " chars)";
        }
        if (v instanceof CharSequence) {
            s = '"' + s + '"';
        }
        return v.getClass().getName() + " " + s;
    }

    /** A value that does not fit its type; {@link #path} locates it inside a nested value. */
    private static final class ValueMismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private String path = "";

        ValueMismatch(String message) {
            super(message, null, false, false);
        }

        ValueMismatch at(String segment) {
            path = segment + path;
            return this;
        }
    }
}
