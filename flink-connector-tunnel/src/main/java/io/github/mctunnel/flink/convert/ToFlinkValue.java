package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.schema.TypeInfo;

import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.utils.LogicalTypeUtils;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts one non-null value as the Tunnel record codec returns it into the Flink internal value
 * of a {@link LogicalType}. Built once per schema by {@link #create}; errors name the column path,
 * the value and its class.
 */
@FunctionalInterface
interface ToFlinkValue {

    Object convert(Object value);

    /**
     * The converter for values of a column of type {@code from} read as {@code to}.
     *
     * @param zone the time zone in which {@code DATETIME} and {@code TIMESTAMP} instants are read
     *     as a {@code TIMESTAMP} (no zone) field, or null when such fields are refused
     * @throws IllegalArgumentException when the types do not fit (see {@link
     *     TunnelTypeMapping#checkReadable})
     */
    static ToFlinkValue create(String path, TypeInfo from, LogicalType to, ZoneId zone) {
        TunnelTypeMapping.checkReadable(path, from, to, zone);
        return guarded(path, from, unguarded(path, from, to, zone));
    }

    private static ToFlinkValue unguarded(String path, TypeInfo from, LogicalType to, ZoneId zone) {
        switch (from.type()) {
            case BIGINT:
                return v -> (Long) v;
            case INT:
                return v -> (Integer) v;
            case SMALLINT:
                return v -> (Short) v;
            case TINYINT:
                return v -> (Byte) v;
            case BOOLEAN:
                return v -> (Boolean) v;
            case DOUBLE:
                return v -> (Double) v;
            case FLOAT:
                return v -> (Float) v;
            case STRING:
            case VARCHAR:
            case CHAR:
            case JSON:
                return v ->
                        v instanceof byte[]
                                ? StringData.fromBytes((byte[]) v)
                                : StringData.fromString((String) v);
            case BINARY:
                return v -> (byte[]) v;
            case DECIMAL:
                {
                    DecimalType d = (DecimalType) to;
                    int precision = d.getPrecision();
                    int scale = d.getScale();
                    return v -> {
                        DecimalData data =
                                DecimalData.fromBigDecimal((BigDecimal) v, precision, scale);
                        if (data == null) {
                            throw new ValueConversionException(
                                    path,
                                    "Value "
                                            + ((BigDecimal) v).toPlainString()
                                            + " of column '"
                                            + path
                                            + "' does not fit "
                                            + d.asSummaryString());
                        }
                        return data;
                    };
                }
            case DATE:
                return v -> (int) ((LocalDate) v).toEpochDay();
            case DATETIME:
            case TIMESTAMP:
                if (to.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE) {
                    // the instant's wall-clock reading in the session time zone, as Flink's
                    // CAST(TIMESTAMP_LTZ AS TIMESTAMP)
                    return v ->
                            TimestampData.fromLocalDateTime(
                                    LocalDateTime.ofInstant((Instant) v, zone));
                }
                return v -> TimestampData.fromInstant((Instant) v);
            case TIMESTAMP_NTZ:
                return v -> TimestampData.fromLocalDateTime((LocalDateTime) v);
            case INTERVAL_DAY_TIME:
                return v -> ((Duration) v).toMillis();
            case INTERVAL_YEAR_MONTH:
                return v -> Math.toIntExact(((Period) v).toTotalMonths());
            case ARRAY:
                {
                    LogicalType elementType = ((ArrayType) to).getElementType();
                    ToFlinkValue element =
                            create(path + "[]", from.elementType(), elementType, zone);
                    // Typed like Flink's own converters (Long[] for BIGINT...), so that
                    // ArrayData.toLongArray() and friends work on the result.
                    Class<?> elementClass = LogicalTypeUtils.toInternalConversionClass(elementType);
                    return v -> {
                        List<?> list = (List<?>) v;
                        Object[] out = (Object[]) Array.newInstance(elementClass, list.size());
                        for (int i = 0; i < out.length; i++) {
                            Object e = list.get(i);
                            out[i] = e == null ? null : element.convert(e);
                        }
                        return new GenericArrayData(out);
                    };
                }
            case MAP:
                {
                    MapType m = (MapType) to;
                    ToFlinkValue key = create(path + "{key}", from.keyType(), m.getKeyType(), zone);
                    ToFlinkValue value =
                            create(path + "{value}", from.valueType(), m.getValueType(), zone);
                    return v -> {
                        Map<?, ?> map = (Map<?, ?>) v;
                        Map<Object, Object> out =
                                new LinkedHashMap<>(Math.max(4, map.size() * 4 / 3 + 1));
                        for (Map.Entry<?, ?> e : map.entrySet()) {
                            Object k = e.getKey();
                            Object val = e.getValue();
                            out.put(
                                    k == null ? null : key.convert(k),
                                    val == null ? null : value.convert(val));
                        }
                        return new GenericMapData(out);
                    };
                }
            case STRUCT:
                {
                    RowType row = (RowType) to;
                    int n = row.getFieldCount();
                    ToFlinkValue[] fields = new ToFlinkValue[n];
                    for (int i = 0; i < n; i++) {
                        TypeInfo.Field f = from.fields().get(i);
                        fields[i] = create(path + "." + f.name(), f.type(), row.getTypeAt(i), zone);
                    }
                    return v -> {
                        List<?> values = (List<?>) v;
                        if (values.size() != n) {
                            throw new ValueConversionException(
                                    path,
                                    "Value of column '"
                                            + path
                                            + "' has "
                                            + values.size()
                                            + " fields, "
                                            + from
                                            + " has "
                                            + n);
                        }
                        GenericRowData out = new GenericRowData(n);
                        for (int i = 0; i < n; i++) {
                            Object f = values.get(i);
                            out.setField(i, f == null ? null : fields[i].convert(f));
                        }
                        return out;
                    };
                }
            default:
                throw new IllegalArgumentException(
                        "Column '" + path + "': MaxCompute type " + from + " is not readable");
        }
    }

    /** Turns a wrong value class (or arithmetic overflow) into an error naming the column. */
    private static ToFlinkValue guarded(String path, TypeInfo from, ToFlinkValue converter) {
        return v -> {
            try {
                return converter.convert(v);
            } catch (ValueConversionException e) {
                throw e;
            } catch (ClassCastException | ArithmeticException e) {
                throw new ValueConversionException(
                        path,
                        "Value "
                                + ValueConversionException.describe(v)
                                + " ("
                                + v.getClass().getName()
                                + ") of column '"
                                + path
                                + "' cannot be read as MaxCompute type "
                                + from,
                        e);
            }
        };
    }
}
