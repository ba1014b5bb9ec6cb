package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.PartitionSpec;

import org.apache.flink.annotation.Internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The partition of a record from the partition-key values that follow its data values. The last
 * partition is cached: consecutive records of one partition allocate nothing.
 */
@Internal
final class UpsertPartitionResolver {

    private final int offset;
    private final String[] keys;
    private final Object[] lastValues;
    private PartitionSpec last;

    /**
     * @param offset index of the first partition-key value (the data column count)
     * @param keys the partition-key names in table order
     */
    UpsertPartitionResolver(int offset, List<String> keys) {
        this.offset = offset;
        this.keys = keys.toArray(new String[0]);
        this.lastValues = new Object[this.keys.length];
    }

    /**
     * @throws IllegalArgumentException naming the column and the value when a partition value is
     *     null or unusable ({@link PartitionSpec#valueProblem}: empty, only whitespace, leading or
     *     trailing whitespace, {@code / = , ' "} or control characters; nothing is trimmed)
     */
    PartitionSpec resolve(Object[] values) {
        if (last != null && sameAsLast(values)) {
            return last;
        }
        Map<String, String> spec = new LinkedHashMap<>();
        for (int k = 0; k < keys.length; k++) {
            Object v = values[offset + k];
            spec.put(keys[k], text(keys[k], v));
            lastValues[k] = v instanceof byte[] bytes ? bytes.clone() : v;
        }
        last = PartitionSpec.of(spec);
        return last;
    }

    private boolean sameAsLast(Object[] values) {
        for (int k = 0; k < keys.length; k++) {
            Object v = values[offset + k];
            Object previous = lastValues[k];
            if (v instanceof byte[] bytes && previous instanceof byte[] previousBytes) {
                if (!Arrays.equals(bytes, previousBytes)) {
                    return false;
                }
            } else if (v == null || !v.equals(previous)) {
                return false;
            }
        }
        return true;
    }

    private static String text(String key, Object v) {
        if (v == null) {
            throw new IllegalArgumentException(
                    "Partition column '" + key + "' is NULL; every change needs a value for it");
        }
        String s =
                v instanceof byte[] bytes
                        ? new String(bytes, StandardCharsets.UTF_8)
                        : v.toString();
        String problem = PartitionSpec.valueProblem(s);
        if (problem != null) {
            throw new IllegalArgumentException(
                    "Partition column '"
                            + key
                            + "' "
                            + problem
                            + (s.isEmpty()
                                    ? "; every change needs a value for it"
                                    : "; every change needs a usable value for it"));
        }
        return s;
    }
}
