package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;

/**
 * Turns a stream element into Tunnel record values (the codec's Java mapping: BIGINT {@code Long},
 * STRING {@code String} or {@code byte[]}, DECIMAL {@code BigDecimal}, DATETIME {@code Instant},
 * ... see {@code RecordStreamWriter}).
 *
 * <p>The values are those of the table's data columns in table order; with dynamic partitioning
 * they are followed by the values of the partition keys in partition-key order (so the array has
 * {@code columnCount + partitionKeyCount} entries).
 */
@PublicEvolving
public interface TunnelRecordSerializer<IN> extends Serializable {

    /**
     * Called once per writer, before the first element, with the schema of the target table.
     *
     * @param withPartitionValues whether {@link #serialize} must append the partition key values
     * @throws IllegalArgumentException when the elements cannot be written to that table
     */
    default void open(TableSchema schema, boolean withPartitionValues) {}

    /**
     * Writes the values of {@code element} into {@code reuse} (sized {@code columnCount +
     * partitionKeyCount} when partition values are asked for, {@code columnCount} otherwise) and
     * returns it, or returns another array of that size.
     */
    Object[] serialize(IN element, Object[] reuse);
}
