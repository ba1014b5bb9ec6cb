package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.types.RowKind;

import java.io.Serializable;

/**
 * Writes a changelog element into a Tunnel record: its change kind, and its fields set with typed
 * setters ({@code record.setBigint(0, id)}, {@code record.setString(1, name)}, ...), as {@link
 * io.github.mctunnel.flink.sink.TunnelRecordSerializer} does for appends.
 *
 * <p>{@link #open} is called with the columns whose values {@link #serialize} must set, in that
 * order (field {@code i} is column {@code i}): by the router with only the primary-key columns (to
 * compute the bucket), by the writer with the table's data columns (or, for partial-column updates,
 * the updated columns), followed by its partition columns when the partition is taken from each
 * record (dynamic partitions). A serializer that picks fields by column name (like {@link
 * RowDataUpsertRecordSerializer}) serves all of these. Serializers that have the values as an
 * {@code Object[]} extend {@link ObjectArrayUpsertRecordSerializer}.
 */
@PublicEvolving
public interface UpsertRecordSerializer<IN> extends Serializable {

    /**
     * Called once before the first element.
     *
     * @throws IllegalArgumentException when the elements cannot give values for these columns
     */
    default void open(TableSchema columns) {}

    /**
     * INSERT and UPDATE_AFTER upsert, DELETE deletes, UPDATE_BEFORE is dropped (the matching
     * UPDATE_AFTER carries the new row).
     */
    RowKind kind(IN element);

    /**
     * Sets the fields of {@code record} (every field NULL when this is called) for the opened
     * columns. For a DELETE only the primary-key fields must be set. The record must not be kept
     * after this returns. Byte ranges, strings and primitives are copied out of it; objects given
     * to {@code setValue} (or a {@code BigDecimal}) are kept by reference until the bucket's flush
     * when compaction is on ({@link TunnelUpsertSinkBuilder#setCompaction}), so they must not be
     * changed afterwards.
     *
     * @throws IllegalArgumentException when the element cannot be written (a bad record)
     */
    void serialize(IN element, RecordFieldWriter record);
}
