package io.github.mctunnel.flink.sink.writer;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.annotation.Internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds the partition of a record from the partition-key values that follow its data values. The
 * last spec is cached: consecutive records of the same partition allocate nothing.
 */
@Internal
final class DynamicPartitionResolver {

    private final int offset;
    private final String[] keys;
    private final Object[] lastValues;
    private PartitionSpec last;

    DynamicPartitionResolver(TableSchema schema) {
        this.offset = schema.columnCount();
        this.keys = schema.partitionKeyNames().toArray(new String[0]);
        this.lastValues = new Object[keys.length];
    }

    PartitionSpec resolve(Object[] values) {
        if (last != null && sameAsLast(values)) {
            return last;
        }
        Map<String, String> spec = new LinkedHashMap<>();
        for (int k = 0; k < keys.length; k++) {
            Object v = values[offset + k];
            spec.put(keys[k], text(keys[k], v));
            lastValues[k] = v instanceof byte[] ? ((byte[]) v).clone() : v;
        }
        last = PartitionSpec.of(spec);
        return last;
    }

    private boolean sameAsLast(Object[] values) {
        for (int k = 0; k < keys.length; k++) {
            Object v = values[offset + k];
            Object prev = lastValues[k];
            if (v instanceof byte[] && prev instanceof byte[]) {
                if (!Arrays.equals((byte[]) v, (byte[]) prev)) {
                    return false;
                }
            } else if (v == null || !v.equals(prev)) {
                return false;
            }
        }
        return true;
    }

    private static String text(String key, Object v) {
        if (v == null) {
            throw new IllegalArgumentException(
                    "Partition column '" + key + "' is NULL; a record needs a value for it");
        }
        String s =
                v instanceof byte[] ? new String((byte[]) v, StandardCharsets.UTF_8) : v.toString();
        if (s.isEmpty()) {
            throw new IllegalArgumentException(
                    "Partition column '" + key + "' is empty; a record needs a value for it");
        }
        return s;
    }
}
