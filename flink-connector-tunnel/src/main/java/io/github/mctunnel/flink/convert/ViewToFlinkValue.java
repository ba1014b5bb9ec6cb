package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.schema.TypeInfo;

import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * Reads one non-null column of a {@link RecordView} as the Flink internal value of a {@link
 * LogicalType}, without the codec's boxed Java value where the types allow: strings become {@link
 * org.apache.flink.table.data.binary.BinaryStringData} over a copy of their UTF-8 bytes (one copy
 * per row, see {@link RowStrings}), decimals of precision up to 18 {@link
 * DecimalData#fromUnscaledLong}, timestamps {@link TimestampData} from milliseconds and nanos.
 * ARRAY, MAP and STRUCT go through their Java value and {@link ToFlinkValue}. Gives exactly the
 * values {@link ToFlinkValue} gives for the same record; built once per schema by {@link #create}.
 * A read fails with the view's or the arithmetic's exception; {@link #failed} turns it into the
 * error naming the column (once per row, around all of its columns).
 */
@FunctionalInterface
interface ViewToFlinkValue {

    /** The largest precision whose unscaled values always fit in a long. */
    int MAX_COMPACT_PRECISION = 18;

    Object read(RecordView record, int column);

    /**
     * The reader of a column of type {@code from} read as {@code to}.
     *
     * @param zone the time zone in which {@code DATETIME} and {@code TIMESTAMP} instants are read
     *     as a {@code TIMESTAMP} (no zone) field, or null when such fields are refused
     * @throws IllegalArgumentException when the types do not fit (see {@link
     *     TunnelTypeMapping#checkReadable})
     */
    static ViewToFlinkValue create(
            String path, TypeInfo from, LogicalType to, ZoneId zone, RowStrings strings) {
        TunnelTypeMapping.checkReadable(path, from, to, zone);
        return unguarded(path, from, to, zone, strings);
    }

    /** Whether a column of this type is read through {@link RowStrings}. */
    static boolean isCharacter(TypeInfo type) {
        switch (type.type()) {
            case STRING:
            case VARCHAR:
            case CHAR:
            case JSON:
                return true;
            default:
                return false;
        }
    }

    private static ViewToFlinkValue unguarded(
            String path, TypeInfo from, LogicalType to, ZoneId zone, RowStrings strings) {
        switch (from.type()) {
            case BIGINT:
                return RecordView::getLong;
            case INT:
                return RecordView::getInt;
            case SMALLINT:
                return RecordView::getShort;
            case TINYINT:
                return RecordView::getByte;
            case BOOLEAN:
                return RecordView::getBoolean;
            case DOUBLE:
                return RecordView::getDouble;
            case FLOAT:
                return RecordView::getFloat;
            case STRING:
            case VARCHAR:
            case CHAR:
            case JSON:
                return strings::get;
            case BINARY:
                return RecordView::getBytes;
            case DECIMAL:
                return decimal(path, (DecimalType) to);
            case DATE:
                return (r, c) -> (int) r.getEpochDay(c);
            case DATETIME:
                if (to.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE) {
                    return (r, c) ->
                            TimestampData.fromLocalDateTime(
                                    LocalDateTime.ofInstant(
                                            Instant.ofEpochMilli(r.getEpochMillis(c)), zone));
                }
                return (r, c) -> TimestampData.fromEpochMillis(r.getEpochMillis(c));
            case TIMESTAMP:
                if (to.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE) {
                    // the instant's wall-clock reading in the session time zone, as Flink's
                    // CAST(TIMESTAMP_LTZ AS TIMESTAMP)
                    return (r, c) ->
                            TimestampData.fromLocalDateTime(
                                    LocalDateTime.ofInstant(
                                            Instant.ofEpochSecond(r.getSeconds(c), r.getNanos(c)),
                                            zone));
                }
                return ViewToFlinkValue::timestamp;
            case TIMESTAMP_NTZ:
                // the same millis and nanos TimestampData.fromLocalDateTime gives
                return ViewToFlinkValue::timestamp;
            case INTERVAL_DAY_TIME:
                return (r, c) -> Duration.ofSeconds(r.getSeconds(c), r.getNanos(c)).toMillis();
            case INTERVAL_YEAR_MONTH:
                return RecordView::getMonths;
            case ARRAY:
            case MAP:
            case STRUCT:
                {
                    ToFlinkValue complex = ToFlinkValue.create(path, from, to, zone);
                    return (r, c) -> complex.convert(r.getObject(c));
                }
            default:
                throw new IllegalArgumentException(
                        "Column '" + path + "': MaxCompute type " + from + " is not readable");
        }
    }

    /** Seconds since the epoch and nanos as Flink's {@code TimestampData.fromInstant} has them. */
    private static TimestampData timestamp(RecordView r, int c) {
        long seconds = r.getSeconds(c);
        int nanos = r.getNanos(c);
        return TimestampData.fromEpochMillis(
                seconds * 1_000 + nanos / 1_000_000, nanos % 1_000_000);
    }

    /**
     * Compact values of a compact target type without a {@code BigDecimal} when no rounding is
     * needed; anything else as {@link DecimalData#fromBigDecimal} (rescaled half up), which also
     * decides what does not fit.
     */
    private static ViewToFlinkValue decimal(String path, DecimalType d) {
        int precision = d.getPrecision();
        int scale = d.getScale();
        long bound = precision <= MAX_COMPACT_PRECISION ? pow10(precision) : 0;
        return (r, c) -> {
            if (bound > 0) {
                long unscaled = rescaledCompact(r, c, bound, scale);
                if (unscaled != NOT_RESCALED) {
                    return DecimalData.fromUnscaledLong(unscaled, precision, scale);
                }
            }
            DecimalData data = DecimalData.fromBigDecimal(r.getDecimal(c), precision, scale);
            if (data == null) {
                throw new ValueConversionException(
                        path,
                        "Value "
                                + r.getDecimal(c).toPlainString()
                                + " of column '"
                                + path
                                + "' does not fit "
                                + d.asSummaryString());
            }
            return data;
        };
    }

    /** What {@link #rescaledCompact} returns when it cannot tell (never a compact value). */
    long NOT_RESCALED = Long.MIN_VALUE;

    /**
     * The unscaled value at {@code scale} of a compact DECIMAL column that needs no rounding and
     * fits {@code bound} (10 to the target precision, at most 18), without a {@code BigDecimal};
     * {@link #NOT_RESCALED} for any other value, which {@link DecimalData#fromBigDecimal} must
     * decide.
     */
    static long rescaledCompact(RecordView r, int c, long bound, int scale) {
        if (r.isCompactDecimal(c)) {
            int shift = scale - r.getDecimalScale(c);
            if (shift >= 0 && shift <= MAX_COMPACT_PRECISION) {
                long unscaled = r.getUnscaledLong(c);
                long factor = pow10(shift);
                long limit = bound / factor; // |unscaled| < limit <=> |scaled| < bound
                if (unscaled < limit && unscaled > -limit) {
                    return unscaled * factor;
                }
            }
        }
        return NOT_RESCALED;
    }

    static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    /**
     * The error for a value the types cannot take (or arithmetic overflow), naming the column: what
     * the converter throws when {@link #read} fails with {@code e}.
     */
    static ValueConversionException failed(
            String path, TypeInfo from, RecordView record, int column, RuntimeException e) {
        if (e instanceof ValueConversionException v) {
            return v;
        }
        return new ValueConversionException(
                path,
                "Value "
                        + shown(record, column)
                        + " of column '"
                        + path
                        + "' cannot be read as MaxCompute type "
                        + from
                        + ": "
                        + e.getMessage(),
                e);
    }

    /** The value as the codec's Java mapping shows it, or a note when even that fails. */
    private static String shown(RecordView record, int column) {
        try {
            return ValueConversionException.describe(record.getObject(column));
        } catch (RuntimeException unreadable) {
            return "(unreadable: " + unreadable.getMessage() + ")";
        }
    }
}
