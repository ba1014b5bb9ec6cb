package io.github.mctunnel.compat.source;

import com.aliyun.odps.data.Binary;
import com.aliyun.odps.data.Char;
import com.aliyun.odps.data.Record;
import com.aliyun.odps.data.SimpleStruct;
import com.aliyun.odps.data.Varchar;
import com.aliyun.odps.type.ArrayTypeInfo;
import com.aliyun.odps.type.MapTypeInfo;
import com.aliyun.odps.type.StructTypeInfo;
import com.aliyun.odps.type.TypeInfo;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns the record codec's Java values into the official SDK's record values. */
final class SdkValues {

    private SdkValues() {}

    /** Sets every column of the SDK record from codec values, in column order. */
    static void fill(Record record, Object[] values) {
        for (int i = 0; i < values.length; i++) {
            Object v = toSdk(values[i], record.getColumns()[i].getTypeInfo());
            if (v instanceof String s) {
                record.setString(i, s);
            } else {
                record.set(i, v);
            }
        }
    }

    static Object toSdk(Object value, TypeInfo type) {
        if (value == null) {
            return null;
        }
        return switch (type.getOdpsType()) {
            case VARCHAR -> new Varchar((String) value);
            case CHAR -> new Char((String) value);
            case BINARY -> new Binary((byte[]) value);
            case DATETIME -> ((Instant) value).atZone(ZoneId.systemDefault());
            case ARRAY -> {
                TypeInfo element = ((ArrayTypeInfo) type).getElementTypeInfo();
                List<Object> out = new ArrayList<>();
                for (Object e : (List<?>) value) {
                    out.add(toSdk(e, element));
                }
                yield out;
            }
            case MAP -> {
                MapTypeInfo m = (MapTypeInfo) type;
                Map<Object, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    out.put(
                            toSdk(e.getKey(), m.getKeyTypeInfo()),
                            toSdk(e.getValue(), m.getValueTypeInfo()));
                }
                yield out;
            }
            case STRUCT -> {
                StructTypeInfo s = (StructTypeInfo) type;
                List<?> fields = (List<?>) value;
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < fields.size(); i++) {
                    out.add(toSdk(fields.get(i), s.getFieldTypeInfos().get(i)));
                }
                yield new SimpleStruct(s, out);
            }
            default -> value;
        };
    }
}
