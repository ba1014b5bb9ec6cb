package io.github.mctunnel.client.codec;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A {@link RecordView} over values already in {@link RecordStreamReader}'s Java mapping (an {@code
 * Object[]} from {@link RecordStreamReader#read()} or built by hand): for code that produces values
 * but must hand on a view, such as a custom decoder or a test. Each getter unboxes by the value's
 * class ({@code Long} for {@link #getLong}, {@code String} or {@code byte[]} for the byte getters,
 * {@code Instant}, {@code LocalDateTime} or {@code Duration} for {@link #getSeconds}, ...); a value
 * of another class throws {@link IllegalStateException}. A string's UTF-8 bytes are encoded once
 * per column.
 */
public final class ValuesRecordView implements RecordView {

    private final Object[] values;
    private byte[][] encoded;

    /** A view of {@code values} (not copied). */
    public ValuesRecordView(Object[] values) {
        this.values = Objects.requireNonNull(values, "values");
    }

    @Override
    public int columnCount() {
        return values.length;
    }

    @Override
    public boolean isNull(int column) {
        return values[column] == null;
    }

    @Override
    public long getLong(int column) {
        Object v = value(column);
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        throw misuse(column, "an integer");
    }

    @Override
    public int getInt(int column) {
        Object v = value(column);
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).intValue();
        }
        throw misuse(column, "an Integer");
    }

    @Override
    public short getShort(int column) {
        Object v = value(column);
        if (v instanceof Short || v instanceof Byte) {
            return ((Number) v).shortValue();
        }
        throw misuse(column, "a Short");
    }

    @Override
    public byte getByte(int column) {
        return as(column, Byte.class);
    }

    @Override
    public boolean getBoolean(int column) {
        return as(column, Boolean.class);
    }

    @Override
    public double getDouble(int column) {
        return as(column, Double.class);
    }

    @Override
    public float getFloat(int column) {
        return as(column, Float.class);
    }

    @Override
    public byte[] bytesArray(int column) {
        return bytes(column);
    }

    @Override
    public int bytesOffset(int column) {
        bytes(column);
        return 0;
    }

    @Override
    public int bytesLength(int column) {
        return bytes(column).length;
    }

    @Override
    public byte[] getBytes(int column) {
        return bytes(column).clone();
    }

    private byte[] bytes(int column) {
        Object v = value(column);
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof String s) {
            if (encoded == null) {
                encoded = new byte[values.length][];
            }
            if (encoded[column] == null) {
                encoded[column] = s.getBytes(StandardCharsets.UTF_8);
            }
            return encoded[column];
        }
        throw misuse(column, "a String or byte[]");
    }

    @Override
    public boolean isCompactDecimal(int column) {
        return as(column, BigDecimal.class).unscaledValue().bitLength() < Long.SIZE;
    }

    @Override
    public long getUnscaledLong(int column) {
        return as(column, BigDecimal.class).unscaledValue().longValueExact();
    }

    @Override
    public int getDecimalScale(int column) {
        return as(column, BigDecimal.class).scale();
    }

    @Override
    public BigDecimal getDecimal(int column) {
        return as(column, BigDecimal.class);
    }

    @Override
    public long getEpochDay(int column) {
        return as(column, LocalDate.class).toEpochDay();
    }

    @Override
    public long getEpochMillis(int column) {
        return as(column, Instant.class).toEpochMilli();
    }

    @Override
    public long getSeconds(int column) {
        Object v = value(column);
        if (v instanceof Instant i) {
            return i.getEpochSecond();
        }
        if (v instanceof LocalDateTime t) {
            return t.toEpochSecond(ZoneOffset.UTC);
        }
        if (v instanceof Duration d) {
            return d.getSeconds();
        }
        throw misuse(column, "an Instant, LocalDateTime or Duration");
    }

    @Override
    public int getNanos(int column) {
        Object v = value(column);
        if (v instanceof Instant i) {
            return i.getNano();
        }
        if (v instanceof LocalDateTime t) {
            return t.getNano();
        }
        if (v instanceof Duration d) {
            return d.getNano();
        }
        throw misuse(column, "an Instant, LocalDateTime or Duration");
    }

    @Override
    public int getMonths(int column) {
        return Math.toIntExact(as(column, Period.class).toTotalMonths());
    }

    @Override
    public Object getObject(int column) {
        return values[column];
    }

    @Override
    public Object[] toValues() {
        return values.clone();
    }

    private Object value(int column) {
        Object v = values[column];
        if (v == null) {
            throw new IllegalStateException("Column " + column + " is NULL in this record");
        }
        return v;
    }

    private <T> T as(int column, Class<T> type) {
        Object v = value(column);
        if (!type.isInstance(v)) {
            throw misuse(column, "a " + type.getSimpleName());
        }
        return type.cast(v);
    }

    private IllegalStateException misuse(int column, String expected) {
        return new IllegalStateException(
                "Column "
                        + column
                        + " holds a "
                        + values[column].getClass().getName()
                        + ", not "
                        + expected);
    }
}
