package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.types.RowKind;

import java.io.Serializable;

/**
 * Turns a changelog element into its change kind and Tunnel record values (the codec's Java
 * mapping: BIGINT {@code Long}, STRING {@code String} or {@code byte[]}, DECIMAL {@code
 * BigDecimal}, ...).
 *
 * <p>{@link #open} is called with the columns whose values {@link #serialize} must give, in that
 * order: by the router with only the primary-key columns (to compute the bucket), by the writer
 * with the table's data columns, followed by its partition columns when the partition is taken from
 * each record (dynamic partitions). A serializer that picks fields by column name (like {@link
 * RowDataUpsertRecordSerializer}) serves all of these.
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
     * Writes the values of {@code element} for the opened columns into {@code reuse} (sized like
     * those columns) and returns it, or returns another array of that size. For a DELETE only the
     * primary-key values must be set. The array may be reused for the next element, but the value
     * objects in it must not be changed afterwards: with compaction ({@link
     * TunnelUpsertSinkBuilder#setCompaction}) the writer keeps them until the bucket's flush.
     */
    Object[] serialize(IN element, Object[] reuse);
}
