package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * Turns MaxCompute records into the source's output type, and chooses the columns to read (the
 * column projection: only these columns are downloaded). Each reader has its own copy.
 *
 * <p>Records arrive as {@code Object[]} holding the requested data columns in the requested order,
 * in the Java mapping of the record codec ({@code RecordStreamReader}: BIGINT {@code Long}, STRING
 * {@code String}, DECIMAL {@code BigDecimal}, DATETIME and TIMESTAMP {@code Instant}, TIMESTAMP_NTZ
 * {@code LocalDateTime}, ARRAY/STRUCT {@code List}, MAP {@code Map}, ...). The partition is passed
 * along, since records carry data columns only.
 */
@PublicEvolving
public interface TunnelRecordDeserializer<OUT> extends Serializable, ResultTypeQueryable<OUT> {

    /**
     * Called once per reader before the first record, with the table's schema.
     *
     * @return the data columns to read, in the order {@link #deserialize} expects them
     * @throws IllegalArgumentException when the schema does not fit; the message names the column
     */
    List<String> open(TableSchema schema);

    /**
     * Converts one record. The array is not reused by the source.
     *
     * @param values the values of the columns {@link #open} returned, in that order
     * @param partition the record's partition, empty for a non-partitioned table
     */
    OUT deserialize(Object[] values, PartitionSpec partition) throws IOException;
}
