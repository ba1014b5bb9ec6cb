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
 * last spec is cached: consecutive records of the same partition allocate nothing. A record whose
 * partition value is NULL or unusable ({@link PartitionSpec#valueProblem}: empty, only whitespace,
 * leading or trailing whitespace, {@code / = , ' "} or control characters; values are never
 * trimmed) goes to the default partition when one is configured, and fails naming the column and
 * the value otherwise.
 */
@Internal
public final class DynamicPartitionResolver {

    private final int offset;
    private final String[] keys;
    private final Object[] lastValues;
    private final PartitionSpec defaultPartition;
    private PartitionSpec last;

    /**
     * @param defaultPartition where records with an unusable partition value go, or null to fail
     */
    public DynamicPartitionResolver(TableSchema schema, PartitionSpec defaultPartition) {
        this.offset = schema.columnCount();
        this.keys = schema.partitionKeyNames().toArray(new String[0]);
        this.lastValues = new Object[keys.length];
        this.defaultPartition = defaultPartition;
    }

    /**
     * The partition of a record's values (data values followed by partition values); the same
     * instance for consecutive records of one partition.
     *
     * @throws IllegalArgumentException naming the column and value when a partition value is
     *     unusable and no default partition is configured
     */
    public PartitionSpec resolve(Object[] values) {
        if (last != null && sameAsLast(values)) {
            return last;
        }
        Map<String, String> spec = new LinkedHashMap<>();
        for (int k = 0; k < keys.length; k++) {
            Object v = values[offset + k];
            String problem = problem(v);
            if (problem != null) {
                if (defaultPartition != null) {
                    return defaultPartition;
                }
                throw new IllegalArgumentException(
                        "Partition column '"
                                + keys[k]
                                + "' "
                                + problem
                                + "; set a default partition (setDefaultPartition) to write such"
                                + " records there");
            }
            spec.put(keys[k], text(v));
        }
        for (int k = 0; k < keys.length; k++) {
            Object v = values[offset + k];
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

    /**
     * Why the value cannot name a partition, or null when it can: NULL, or unusable by {@link
     * PartitionSpec#valueProblem} (empty, only whitespace, leading or trailing whitespace, {@code /
     * = , ' "} or control characters; nothing is trimmed).
     */
    static String problem(Object v) {
        return v == null ? "is NULL" : PartitionSpec.valueProblem(text(v));
    }

    private static String text(Object v) {
        return v instanceof byte[] ? new String((byte[]) v, StandardCharsets.UTF_8) : v.toString();
    }
}
