package io.github.mctunnel.flink.table.lookup;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A cheap estimate of the memory a lookup row takes once loaded, from the values the tunnel decoded
 * (before they are converted): {@value #ROW} bytes per row (the row, its key and its index entry),
 * {@value #SLOT} per field, and per value: 16 for numbers and booleans, 24 for dates, times and
 * intervals, 64 for decimals, {@code 40 + 2 x length} for strings, {@code 16 + length} for
 * binaries, arrays and maps by their elements. Counted once per row, no walk of the converted
 * objects.
 */
final class RowSizes {

    /** The row object, its field array, its key row and its entry in the index. */
    static final int ROW = 120;

    /** A reference to a field value. */
    static final int SLOT = 8;

    private RowSizes() {}

    /** The estimated bytes of a row with these decoded values. */
    static long estimate(Object[] values) {
        long bytes = ROW + (long) SLOT * values.length;
        for (Object v : values) {
            bytes += value(v);
        }
        return bytes;
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
