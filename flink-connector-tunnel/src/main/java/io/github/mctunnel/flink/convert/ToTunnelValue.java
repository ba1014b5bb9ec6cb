package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.schema.TypeInfo;

import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts one non-null Flink internal value (as {@link RowData} getters return it) into the value
 * the Tunnel record codec takes for a MaxCompute type. Instances are built once per schema by
 * {@link #create}; the type dispatch happens there, not per value.
 */
@FunctionalInterface
interface ToTunnelValue {

    Object convert(Object internal);

    /**
     * The converter for values of {@code from} written to a column of type {@code to}.
     *
     * @param path column name (with the path into nested types), used in errors
     * @param zone the time zone in which a {@code TIMESTAMP} (no zone) value written to a {@code
     *     DATETIME} or {@code TIMESTAMP} column is read as an instant, or null when such values are
     *     refused
     * @throws IllegalArgumentException when the types do not fit (see {@link
     *     TunnelTypeMapping#checkWritable})
     */
    static ToTunnelValue create(String path, LogicalType from, TypeInfo to, ZoneId zone) {
        return create(path, from, to, zone, false);
    }

    private static ToTunnelValue create(
            String path, LogicalType from, TypeInfo to, ZoneId zone, boolean nested) {
        TunnelTypeMapping.checkWritable(path, from, to, zone);
        LogicalTypeRoot root = from.getTypeRoot();
        switch (to.type()) {
            case BIGINT:
                return root == LogicalTypeRoot.BIGINT ? v -> v : v -> ((Number) v).longValue();
            case INT:
                return root == LogicalTypeRoot.INTEGER ? v -> v : v -> ((Number) v).intValue();
            case SMALLINT:
                return root == LogicalTypeRoot.SMALLINT ? v -> v : v -> ((Number) v).shortValue();
            case DOUBLE:
                return root == LogicalTypeRoot.DOUBLE ? v -> v : v -> ((Float) v).doubleValue();
            case TINYINT:
            case BOOLEAN:
            case FLOAT:
            case BINARY:
                return v -> v;
            case STRING:
                if (root != LogicalTypeRoot.CHAR && root != LogicalTypeRoot.VARCHAR) {
                    return v -> v;
                }
                // At top level the codec takes the UTF-8 bytes as they are (no String round
                // trip); inside nested types it takes text.
                return nested ? v -> v.toString() : v -> ((StringData) v).toBytes();
            case JSON:
                return v -> v.toString();
            case VARCHAR:
            case CHAR:
                return lengthChecked(path, to);
            case DECIMAL:
                return decimal(path, (DecimalType) from, to);
            case DATE:
                return v -> LocalDate.ofEpochDay((Integer) v);
            case DATETIME:
                if (root == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE) {
                    return v ->
                            Instant.ofEpochMilli(
                                    ((TimestampData) v)
                                            .toLocalDateTime()
                                            .atZone(zone)
                                            .toInstant()
                                            .toEpochMilli());
                }
                return v -> Instant.ofEpochMilli(((TimestampData) v).getMillisecond());
            case TIMESTAMP:
                if (root == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE) {
                    // the wall-clock reading in the session time zone, as Flink's
                    // CAST(TIMESTAMP AS TIMESTAMP_LTZ)
                    return v -> ((TimestampData) v).toLocalDateTime().atZone(zone).toInstant();
                }
                return v -> ((TimestampData) v).toInstant();
            case TIMESTAMP_NTZ:
                return v -> ((TimestampData) v).toLocalDateTime();
            case INTERVAL_DAY_TIME:
                return v -> Duration.ofMillis((Long) v);
            case INTERVAL_YEAR_MONTH:
                return v -> Period.ofMonths((Integer) v).normalized();
            case ARRAY:
                return array(path, ((ArrayType) from).getElementType(), to.elementType(), zone);
            case MAP:
                return map(path, (MapType) from, to, zone);
            case STRUCT:
                return struct(path, (RowType) from, to, zone);
            default:
                throw new IllegalArgumentException(
                        "Column '" + path + "': MaxCompute type " + to + " is not writable");
        }
    }

    private static ToTunnelValue lengthChecked(String path, TypeInfo to) {
        int max = to.length();
        return v -> {
            String s = v.toString();
            if (s.length() > max) {
                int chars = s.codePointCount(0, s.length());
                if (chars > max) {
                    throw new ValueConversionException(
                            path,
                            "Value "
                                    + ValueConversionException.describe(s)
                                    + " of column '"
                                    + path
                                    + "' has "
                                    + chars
                                    + " characters, more than "
                                    + to
                                    + " allows");
                }
            }
            return s;
        };
    }

    private static ToTunnelValue decimal(String path, DecimalType from, TypeInfo to) {
        int scale = to.scale();
        int integerDigits = to.precision() - to.scale();
        if (from.getScale() == scale && from.getPrecision() - from.getScale() <= integerDigits) {
            return v -> ((DecimalData) v).toBigDecimal();
        }
        return v -> {
            BigDecimal original = ((DecimalData) v).toBigDecimal();
            BigDecimal d = original.setScale(scale, RoundingMode.HALF_UP);
            if (d.precision() - d.scale() > integerDigits) {
                throw new ValueConversionException(
                        path,
                        "Value "
                                + original.toPlainString()
                                + " of column '"
                                + path
                                + "' does not fit "
                                + to
                                + ": it has "
                                + (d.precision() - d.scale())
                                + " integer digits, at most "
                                + integerDigits
                                + " are allowed");
            }
            return d;
        };
    }

    private static ToTunnelValue array(
            String path, LogicalType elementType, TypeInfo to, ZoneId zone) {
        ArrayData.ElementGetter getter = ArrayData.createElementGetter(elementType);
        ToTunnelValue element = create(path + "[]", elementType, to, zone, true);
        return v -> {
            ArrayData a = (ArrayData) v;
            int n = a.size();
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Object e = getter.getElementOrNull(a, i);
                list.add(e == null ? null : element.convert(e));
            }
            return list;
        };
    }

    private static ToTunnelValue map(String path, MapType from, TypeInfo to, ZoneId zone) {
        ArrayData.ElementGetter keyGetter = ArrayData.createElementGetter(from.getKeyType());
        ArrayData.ElementGetter valueGetter = ArrayData.createElementGetter(from.getValueType());
        ToTunnelValue key = create(path + "{key}", from.getKeyType(), to.keyType(), zone, true);
        ToTunnelValue value =
                create(path + "{value}", from.getValueType(), to.valueType(), zone, true);
        return v -> {
            MapData m = (MapData) v;
            ArrayData keys = m.keyArray();
            ArrayData values = m.valueArray();
            int n = m.size();
            Map<Object, Object> map = new LinkedHashMap<>(Math.max(4, n * 4 / 3 + 1));
            for (int i = 0; i < n; i++) {
                Object k = keyGetter.getElementOrNull(keys, i);
                Object val = valueGetter.getElementOrNull(values, i);
                map.put(k == null ? null : key.convert(k), val == null ? null : value.convert(val));
            }
            return map;
        };
    }

    private static ToTunnelValue struct(String path, RowType from, TypeInfo to, ZoneId zone) {
        int n = from.getFieldCount();
        RowData.FieldGetter[] getters = new RowData.FieldGetter[n];
        ToTunnelValue[] fields = new ToTunnelValue[n];
        for (int i = 0; i < n; i++) {
            TypeInfo.Field f = to.fields().get(i);
            getters[i] = RowData.createFieldGetter(from.getTypeAt(i), i);
            fields[i] = create(path + "." + f.name(), from.getTypeAt(i), f.type(), zone, true);
        }
        return v -> {
            RowData r = (RowData) v;
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Object f = getters[i].getFieldOrNull(r);
                list.add(f == null ? null : fields[i].convert(f));
            }
            return list;
        };
    }
}
