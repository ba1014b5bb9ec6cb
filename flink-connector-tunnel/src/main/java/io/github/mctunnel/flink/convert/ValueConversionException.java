package io.github.mctunnel.flink.convert;

import org.apache.flink.annotation.PublicEvolving;

/**
 * A value that cannot be converted between Flink and MaxCompute: a string longer than its
 * VARCHAR(n), a decimal with too many integer digits, a NULL for a NOT NULL column, a value of an
 * unexpected class. The message names the column (with the path into nested types, e.g. {@code
 * addr.city} or {@code tags[]}) and the value.
 */
@PublicEvolving
public class ValueConversionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private static final int MAX_SHOWN_CHARS = 64;

    private final String column;

    public ValueConversionException(String column, String message) {
        super(message);
        this.column = column;
    }

    public ValueConversionException(String column, String message, Throwable cause) {
        super(message, cause);
        this.column = column;
    }

    /** The column, with the path into nested types. */
    public String column() {
        return column;
    }

    /** A short rendering of a value for error messages: strings quoted and cut at 64 chars. */
    static String describe(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof CharSequence) {
            String s = value.toString();
            if (s.length() > MAX_SHOWN_CHARS) {
                return "'" + s.substring(0, MAX_SHOWN_CHARS) + "...'";
            }
            return "'" + s + "'";
        }
        if (value instanceof byte[]) {
            return "byte[" + ((byte[]) value).length + "]";
        }
        if (value instanceof java.math.BigDecimal) {
            return ((java.math.BigDecimal) value).toPlainString();
        }
        return String.valueOf(value);
    }
}
