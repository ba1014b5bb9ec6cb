package io.github.mctunnel.flink.sink.writer;

import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.annotation.Internal;

import java.util.LinkedHashMap;
import java.util.List;
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

    private static final String DEFAULT_PARTITION_REMEDY =
            "; set a default partition (setDefaultPartition) to write such records there";

    private final int offset;
    private final String[] keys;
    private final PartitionSpec defaultPartition;

    /** Appended to the message of a missing (NULL or empty) and of an unusable value. */
    private final String missingRemedy;

    private final String unusableRemedy;

    /** The partition values of {@link #last}, as the record set them. */
    private final StagedRecord lastValues;

    private PartitionSpec last;

    /**
     * @param defaultPartition where records with an unusable partition value go, or null to fail
     */
    public DynamicPartitionResolver(TableSchema schema, PartitionSpec defaultPartition) {
        this(
                schema.columnCount(),
                schema.partitionKeys(),
                defaultPartition,
                DEFAULT_PARTITION_REMEDY,
                DEFAULT_PARTITION_REMEDY);
    }

    /**
     * A resolver without a default partition whose messages end in {@code missingRemedy} (NULL or
     * empty value) or {@code unusableRemedy} (any other unusable value).
     *
     * @param offset the index of the first partition key field
     */
    public static DynamicPartitionResolver withoutDefault(
            int offset, List<Column> partitionKeys, String missingRemedy, String unusableRemedy) {
        return new DynamicPartitionResolver(
                offset, partitionKeys, null, missingRemedy, unusableRemedy);
    }

    /**
     * A resolver that sends records with an unusable partition value to {@code defaultPartition}.
     *
     * @param offset the index of the first partition key field
     */
    public static DynamicPartitionResolver withDefault(
            int offset, List<Column> partitionKeys, PartitionSpec defaultPartition) {
        return new DynamicPartitionResolver(
                offset,
                partitionKeys,
                java.util.Objects.requireNonNull(defaultPartition, "defaultPartition"),
                DEFAULT_PARTITION_REMEDY,
                DEFAULT_PARTITION_REMEDY);
    }

    private DynamicPartitionResolver(
            int offset,
            List<Column> partitionKeys,
            PartitionSpec defaultPartition,
            String missingRemedy,
            String unusableRemedy) {
        this.offset = offset;
        this.keys = partitionKeys.stream().map(Column::name).toArray(String[]::new);
        this.lastValues = new StagedRecord(partitionKeys);
        this.defaultPartition = defaultPartition;
        this.missingRemedy = missingRemedy;
        this.unusableRemedy = unusableRemedy;
    }

    /**
     * The partition of a record (data fields followed by the partition key fields); the same
     * instance for consecutive records of one partition.
     *
     * @throws IllegalArgumentException naming the column and value when a partition value is
     *     unusable and no default partition is configured
     */
    public PartitionSpec resolve(StagedRecord record) {
        if (last != null && sameAsLast(record)) {
            return last;
        }
        Map<String, String> spec = new LinkedHashMap<>();
        for (int k = 0; k < keys.length; k++) {
            String text = record.text(offset + k);
            String problem = text == null ? "is NULL" : PartitionSpec.valueProblem(text);
            if (problem != null) {
                if (defaultPartition != null) {
                    return defaultPartition;
                }
                throw new IllegalArgumentException(
                        "Partition column '"
                                + keys[k]
                                + "' "
                                + problem
                                + (text == null || text.isEmpty()
                                        ? missingRemedy
                                        : unusableRemedy));
            }
            spec.put(keys[k], text);
        }
        PartitionSpec resolved = PartitionSpec.of(spec);
        // the cache starts empty each time: its buffer holds one partition's values, no more
        last = null;
        lastValues.clear();
        for (int k = 0; k < keys.length; k++) {
            lastValues.copyField(k, record, offset + k);
        }
        last = resolved;
        return last;
    }

    /** The bytes the cache of the last partition's values holds, for tests. */
    int cachedBytes() {
        return lastValues.bufferCapacity();
    }

    private boolean sameAsLast(StagedRecord record) {
        for (int k = 0; k < keys.length; k++) {
            if (!record.sameValue(offset + k, lastValues, k)) {
                return false;
            }
        }
        return true;
    }
}
