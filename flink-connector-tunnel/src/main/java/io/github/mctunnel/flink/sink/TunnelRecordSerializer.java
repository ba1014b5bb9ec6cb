package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;

/**
 * Writes a stream element into a Tunnel record: the serializer sets each field of the record with a
 * typed setter ({@code record.setBigint(0, order.id)}, {@code record.setString(1, name)}, ...), so
 * no {@code Object[]} is built and no number is boxed. Fields not set are NULL.
 *
 * <p>The fields are the table's data columns in table order; with dynamic partitioning they are
 * followed by the partition keys in partition-key order (so the record has {@code columnCount +
 * partitionKeyCount} fields, see {@link RecordFieldWriter#fieldCount()}). Whether a value fits its
 * column is checked when the record is encoded; a value that does not fit is a bad record (see
 * {@link BadRecordPolicy}), named by column and value.
 *
 * <p>Serializers that produce values of the codec's Java mapping ({@code Long}, {@code String},
 * {@code BigDecimal}, {@code Instant}, ...) as an {@code Object[]} extend {@link
 * ObjectArrayRecordSerializer} instead.
 */
@PublicEvolving
public interface TunnelRecordSerializer<IN> extends Serializable {

    /**
     * Called once per writer, before the first element, with the schema of the target table.
     *
     * @param withPartitionValues whether {@link #serialize} must also set the partition key fields
     * @throws IllegalArgumentException when the elements cannot be written to that table
     */
    default void open(TableSchema schema, boolean withPartitionValues) {}

    /**
     * Sets the fields of {@code record} from {@code element}. The record is empty (every field
     * NULL) when this is called and is written once this returns; it must not be kept.
     *
     * @throws IllegalArgumentException when the element cannot be written (a bad record)
     */
    void serialize(IN element, RecordFieldWriter record);
}
