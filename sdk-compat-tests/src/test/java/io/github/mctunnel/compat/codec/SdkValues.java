package io.github.mctunnel.compat.codec;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TypeInfo;

import com.aliyun.odps.TableSchema;
import com.aliyun.odps.data.AbstractChar;
import com.aliyun.odps.data.Binary;
import com.aliyun.odps.data.Char;
import com.aliyun.odps.data.IntervalDayTime;
import com.aliyun.odps.data.IntervalYearMonth;
import com.aliyun.odps.data.SimpleJsonValue;
import com.aliyun.odps.data.SimpleStruct;
import com.aliyun.odps.data.Struct;
import com.aliyun.odps.data.Varchar;
import com.aliyun.odps.type.ArrayTypeInfo;
import com.aliyun.odps.type.MapTypeInfo;
import com.aliyun.odps.type.StructTypeInfo;
import com.aliyun.odps.type.TypeInfoParser;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts between the codec's Java values and the official SDK's value classes. */
final class SdkValues {

    private SdkValues() {}

    static TableSchema sdkSchema(List<Column> columns) {
        TableSchema schema = new TableSchema();
        for (Column c : columns) {
            schema.addColumn(
                    new com.aliyun.odps.Column(
                            c.name(),
                            TypeInfoParser.getTypeInfoFromTypeString(c.type().toString())));
        }
        return schema;
    }

    /** Our value to what the SDK's record and writer take. */
    static Object toSdk(TypeInfo t, com.aliyun.odps.type.TypeInfo sdkType, Object v) {
        if (v == null) {
            return null;
        }
        switch (t.type()) {
            case VARCHAR:
                return new Varchar((String) v);
            case CHAR:
                return new Char((String) v);
            case JSON:
                return new SimpleJsonValue((String) v);
            case BINARY:
                return new Binary((byte[]) v);
            case DATETIME:
                // The SDK takes DATETIME as a zoned time; the JVM zone must not change the instant.
                return ((Instant) v).atZone(ZoneId.systemDefault());
            case INTERVAL_DAY_TIME:
                {
                    Duration d = (Duration) v;
                    return new IntervalDayTime(d.getSeconds(), d.getNano());
                }
            case INTERVAL_YEAR_MONTH:
                return new IntervalYearMonth((int) ((Period) v).toTotalMonths());
            case ARRAY:
                {
                    com.aliyun.odps.type.TypeInfo e =
                            ((ArrayTypeInfo) sdkType).getElementTypeInfo();
                    List<Object> out = new ArrayList<>();
                    for (Object o : (List<?>) v) {
                        out.add(toSdk(t.elementType(), e, o));
                    }
                    return out;
                }
            case MAP:
                {
                    MapTypeInfo m = (MapTypeInfo) sdkType;
                    Map<Object, Object> out = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> en : ((Map<?, ?>) v).entrySet()) {
                        out.put(
                                toSdk(t.keyType(), m.getKeyTypeInfo(), en.getKey()),
                                toSdk(t.valueType(), m.getValueTypeInfo(), en.getValue()));
                    }
                    return out;
                }
            case STRUCT:
                {
                    StructTypeInfo s = (StructTypeInfo) sdkType;
                    List<?> values = (List<?>) v;
                    List<Object> out = new ArrayList<>();
                    for (int i = 0; i < values.size(); i++) {
                        out.add(
                                toSdk(
                                        t.fields().get(i).type(),
                                        s.getFieldTypeInfos().get(i),
                                        values.get(i)));
                    }
                    return new SimpleStruct(s, out);
                }
            default:
                return v;
        }
    }

    /** What the SDK's reader returns to our value mapping. */
    static Object fromSdk(TypeInfo t, Object v) {
        if (v == null) {
            return null;
        }
        switch (t.type()) {
            case STRING:
                return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v;
            case VARCHAR:
            case CHAR:
                return ((AbstractChar) v).getValue();
            case JSON:
                return v.toString();
            case BINARY:
                return ((Binary) v).data();
            case DATETIME:
                return ((ZonedDateTime) v).toInstant();
            case INTERVAL_DAY_TIME:
                {
                    IntervalDayTime d = (IntervalDayTime) v;
                    return Duration.ofSeconds(d.getTotalSeconds(), d.getNanos());
                }
            case INTERVAL_YEAR_MONTH:
                return Period.ofMonths(((IntervalYearMonth) v).getTotalMonths()).normalized();
            case ARRAY:
                {
                    List<Object> out = new ArrayList<>();
                    for (Object o : (List<?>) v) {
                        out.add(fromSdk(t.elementType(), o));
                    }
                    return out;
                }
            case MAP:
                {
                    Map<Object, Object> out = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> en : ((Map<?, ?>) v).entrySet()) {
                        out.put(
                                fromSdk(t.keyType(), en.getKey()),
                                fromSdk(t.valueType(), en.getValue()));
                    }
                    return out;
                }
            case STRUCT:
                {
                    List<Object> values = ((Struct) v).getFieldValues();
                    List<Object> out = new ArrayList<>();
                    for (int i = 0; i < values.size(); i++) {
                        out.add(fromSdk(t.fields().get(i).type(), values.get(i)));
                    }
                    return out;
                }
            default:
                return v;
        }
    }

    /** Makes values comparable with equals: byte arrays by content, rows as lists. */
    static Object comparable(Object v) {
        if (v instanceof byte[] b) {
            return ByteBuffer.wrap(b);
        }
        if (v instanceof Object[] row) {
            List<Object> out = new ArrayList<>();
            for (Object o : row) {
                out.add(comparable(o));
            }
            return out;
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) {
                out.add(comparable(o));
            }
            return out;
        }
        if (v instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> en : map.entrySet()) {
                out.put(comparable(en.getKey()), comparable(en.getValue()));
            }
            return out;
        }
        return v;
    }
}
