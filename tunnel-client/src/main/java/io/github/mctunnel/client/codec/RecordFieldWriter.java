package io.github.mctunnel.client.codec;

import java.math.BigDecimal;

/**
 * Sets the fields of one record by position, without boxing and without {@code Object[]}: what a
 * serializer writes a record into. Fields are numbered from 0 in the order the writer declares (the
 * table's data columns in table order, then, where asked for, the partition keys); a field that is
 * not set is NULL. Fields may be set in any order, and setting a field again replaces its value.
 *
 * <p>Each setter names the MaxCompute type it writes; whether the value fits the field's type
 * (range, length, precision) is checked when the record is encoded, and a value that does not fit
 * fails naming the column and the value. Byte ranges, strings and primitives are copied: the caller
 * may reuse its buffers as soon as a setter returns. Objects given to {@link #setValue} (and {@link
 * #setDecimal(int, BigDecimal)}) are kept by reference: see there.
 */
public interface RecordFieldWriter {

    /** The number of fields of a record. */
    int fieldCount();

    /** Makes the field NULL. */
    void setNull(int field);

    void setBoolean(int field, boolean value);

    void setTinyint(int field, byte value);

    void setSmallint(int field, short value);

    void setInt(int field, int value);

    void setBigint(int field, long value);

    void setFloat(int field, float value);

    void setDouble(int field, double value);

    /**
     * A STRING, VARCHAR, CHAR or JSON field: the UTF-8 bytes {@code utf8[offset, offset + length)}.
     */
    void setString(int field, byte[] utf8, int offset, int length);

    /** A STRING, VARCHAR, CHAR or JSON field. */
    void setString(int field, String value);

    /** A BINARY (or STRING) field: the bytes {@code bytes[offset, offset + length)}. */
    void setBinary(int field, byte[] bytes, int offset, int length);

    /** A DECIMAL field: {@code unscaled * 10^-scale}, e.g. (12345, 2) is 123.45. */
    void setDecimal(int field, long unscaled, int scale);

    /** A DECIMAL field. */
    void setDecimal(int field, BigDecimal value);

    /** A DATE field: days since 1970-01-01. */
    void setDate(int field, long epochDay);

    /** A DATETIME field: milliseconds since the epoch. */
    void setDatetime(int field, long epochMillis);

    /** A TIMESTAMP field: seconds since the epoch and nanos of the second (0 to 999,999,999). */
    void setTimestamp(int field, long epochSeconds, int nanos);

    /** A TIMESTAMP_NTZ field: the local date-time read as UTC, in seconds and nanos. */
    void setTimestampNtz(int field, long epochSeconds, int nanos);

    /** An INTERVAL_DAY_TIME field: total seconds and nanos, {@code |nanos| < 10^9}. */
    void setIntervalDayTime(int field, long seconds, int nanos);

    /** An INTERVAL_YEAR_MONTH field: total months. */
    void setIntervalYearMonth(int field, long totalMonths);

    /**
     * Any field, as a value of the codec's Java mapping (see {@link RecordStreamReader}: BIGINT
     * {@code Long}, STRING {@code String} or {@code byte[]}, DECIMAL {@code BigDecimal}, ARRAY and
     * STRUCT {@code List}, MAP {@code Map}, ...); null is NULL. The way to write ARRAY, MAP and
     * STRUCT fields. The object is kept by reference, not copied: do not change it afterwards (the
     * upsert sink's compaction keeps a change's objects until the flush of its bucket, so a
     * serializer must hand over new objects, or immutable ones, for every element).
     */
    void setValue(int field, Object value);

    /**
     * Sets every field with {@link #setValue}: {@code values} holds one value per field.
     *
     * @throws IllegalArgumentException when {@code values} has another length
     */
    default void setValues(Object[] values) {
        int n = fieldCount();
        if (values.length != n) {
            throw new IllegalArgumentException(
                    "The serializer gave "
                            + values.length
                            + " values, but the record has "
                            + n
                            + " fields");
        }
        for (int i = 0; i < n; i++) {
            setValue(i, values[i]);
        }
    }
}
