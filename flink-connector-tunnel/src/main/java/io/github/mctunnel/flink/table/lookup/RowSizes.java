package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.schema.TypeInfo;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A cheap estimate of the memory a lookup row takes once loaded, from the values the tunnel decoded
 * (before they are converted): {@value #ROW} bytes per row (the row, its key and its index entry),
 * {@value #SLOT} per field, and per value: 16 for numbers and booleans, 24 for dates, times and
 * intervals, 64 for decimals, {@code 40 + 2 x length} for strings, {@code 16 + length} for
 * binaries, arrays and maps by their elements. Counted once per row from the record view, no walk
 * of the converted objects.
 */
final class RowSizes {

    /** The row object, its field array, its key row and its entry in the index. */
    static final int ROW = 120;

    /** A reference to a field value. */
    static final int SLOT = 8;

    private RowSizes() {}

    /**
     * The estimated bytes of a row read from {@code record}, whose columns have {@code types}: the
     * same figure as for the record's decoded values, without decoding them (a string's length in
     * UTF-16 units is counted from its UTF-8 bytes).
     */
    static long estimate(RecordView record, TypeInfo[] types) {
        int n = record.columnCount();
        long bytes = ROW + (long) SLOT * n;
        for (int i = 0; i < n; i++) {
            if (!record.isNull(i)) {
                bytes += value(record, i, types[i]);
            }
        }
        return bytes;
    }

    private static long value(RecordView record, int column, TypeInfo type) {
        switch (type.type()) {
            case STRING:
            case VARCHAR:
            case CHAR:
            case JSON:
                return 40
                        + 2L
                                * utf16Length(
                                        record.bytesArray(column),
                                        record.bytesOffset(column),
                                        record.bytesLength(column));
            case BINARY:
                return 16 + (long) record.bytesLength(column);
            case BIGINT:
            case INT:
            case SMALLINT:
            case TINYINT:
            case DOUBLE:
            case FLOAT:
            case BOOLEAN:
                return 16;
            case DECIMAL:
                return 64;
            case ARRAY:
            case MAP:
            case STRUCT:
                return value(record.getObject(column));
            default:
                return 24; // dates, times and intervals
        }
    }

    /** The UTF-16 length of well-formed UTF-8: one unit per character, two above U+FFFF. */
    static int utf16Length(byte[] utf8, int offset, int length) {
        int units = 0;
        for (int i = offset; i < offset + length; i++) {
            int b = utf8[i];
            if ((b & 0xC0) != 0x80) {
                units++; // a character's first byte
            }
            if ((b & 0xF8) == 0xF0) {
                units++; // four bytes: a surrogate pair
            }
        }
        return units;
    }

    private static long value(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof String s) {
            return 40 + 2L * s.length();
        }
        if (v instanceof byte[] b) {
            return 16 + (long) b.length;
        }
        if (v instanceof Number && !(v instanceof BigDecimal) || v instanceof Boolean) {
            return 16;
        }
        if (v instanceof BigDecimal) {
            return 64;
        }
        if (v instanceof List<?> list) {
            long bytes = 24;
            for (Object e : list) {
                bytes += SLOT + value(e);
            }
            return bytes;
        }
        if (v instanceof Map<?, ?> map) {
            long bytes = 48;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                bytes += 2 * SLOT + value(e.getKey()) + value(e.getValue());
            }
            return bytes;
        }
        return 24; // LocalDate, Instant, LocalDateTime, Duration, Period
    }
}
