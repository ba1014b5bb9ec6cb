package io.github.mctunnel.client.codec;

import java.math.BigDecimal;

/**
 * One record, read column by column without boxing: what {@link RecordStreamReader#next()} decodes
 * into. The view is reused: its values are valid until the reader's next call, and byte payloads
 * must be copied out of {@link #bytesArray} to be kept.
 *
 * <p>Which getter reads which column type:
 *
 * <ul>
 *   <li>BIGINT {@link #getLong}; INT {@link #getInt} (or {@code getLong}); SMALLINT {@link
 *       #getShort}; TINYINT {@link #getByte}; BOOLEAN {@link #getBoolean}; DOUBLE {@link
 *       #getDouble}; FLOAT {@link #getFloat};
 *   <li>STRING, VARCHAR, CHAR, JSON (UTF-8 as sent) and BINARY: {@link #bytesArray}, {@link
 *       #bytesOffset}, {@link #bytesLength} (or a copy with {@link #getBytes});
 *   <li>DECIMAL: {@link #isCompactDecimal}, then {@link #getUnscaledLong} and {@link
 *       #getDecimalScale}; or {@link #getDecimal} for any value;
 *   <li>DATE {@link #getEpochDay}; DATETIME {@link #getEpochMillis}; TIMESTAMP and TIMESTAMP_NTZ
 *       {@link #getSeconds} since the epoch and {@link #getNanos} (0 to 999,999,999);
 *       INTERVAL_DAY_TIME {@link #getSeconds} and {@link #getNanos} (as sent: the nanos may be
 *       negative); INTERVAL_YEAR_MONTH {@link #getMonths};
 *   <li>every type, ARRAY, MAP and STRUCT included: {@link #getObject}, the value in {@link
 *       RecordStreamReader}'s Java mapping (allocated per call).
 * </ul>
 *
 * <p>A getter called for a NULL value or for a column of another type throws {@link
 * IllegalStateException}.
 */
public interface RecordView {

    /** The number of columns (the reader's columns, in order). */
    int columnCount();

    /** True when the column is NULL in this record (DECIMAL inf/nan included, as in the SDK). */
    boolean isNull(int column);

    long getLong(int column);

    int getInt(int column);

    short getShort(int column);

    byte getByte(int column);

    boolean getBoolean(int column);

    double getDouble(int column);

    float getFloat(int column);

    /**
     * The array holding the column's bytes (shared by every column; valid until the next record).
     */
    byte[] bytesArray(int column);

    /** Where the column's bytes start in {@link #bytesArray}. */
    int bytesOffset(int column);

    /** How many bytes the column has. */
    int bytesLength(int column);

    /** A copy of the column's bytes. */
    byte[] getBytes(int column);

    /**
     * True when the DECIMAL's unscaled value fits in a {@code long} (so no BigDecimal is needed).
     */
    boolean isCompactDecimal(int column);

    /** The unscaled value of a compact DECIMAL (see {@link #isCompactDecimal}). */
    long getUnscaledLong(int column);

    /**
     * The scale of a compact DECIMAL, as sent (the number of digits after the point; negative for a
     * text such as {@code 1E+3}).
     */
    int getDecimalScale(int column);

    /** Any DECIMAL value, with the scale it was sent with. */
    BigDecimal getDecimal(int column);

    /** A DATE as days since 1970-01-01. */
    long getEpochDay(int column);

    /** A DATETIME as milliseconds since the epoch. */
    long getEpochMillis(int column);

    /** The seconds of a TIMESTAMP or TIMESTAMP_NTZ (since the epoch) or an INTERVAL_DAY_TIME. */
    long getSeconds(int column);

    /** The nanoseconds of a TIMESTAMP, TIMESTAMP_NTZ or INTERVAL_DAY_TIME. */
    int getNanos(int column);

    /** An INTERVAL_YEAR_MONTH in months. */
    int getMonths(int column);

    /**
     * The value in {@link RecordStreamReader}'s Java mapping, null for NULL; allocated per call.
     */
    Object getObject(int column);

    /** Every value in {@link RecordStreamReader}'s Java mapping, in a new array. */
    default Object[] toValues() {
        Object[] values = new Object[columnCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = getObject(i);
        }
        return values;
    }
}
