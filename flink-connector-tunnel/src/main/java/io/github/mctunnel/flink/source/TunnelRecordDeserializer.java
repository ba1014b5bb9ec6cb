package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.codec.RecordView;
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
 * <p>Records arrive as a {@link RecordView} of the requested data columns in the requested order,
 * read column by column without boxing (valid only during the call); a deserializer that builds its
 * output from that directly implements {@link #deserialize(RecordView, PartitionSpec)}. One that
 * prefers the codec's Java values implements {@link #deserialize(Object[], PartitionSpec)} instead,
 * which gets them as {@code Object[]} ({@code RecordStreamReader}'s mapping: BIGINT {@code Long},
 * STRING {@code String}, DECIMAL {@code BigDecimal}, DATETIME and TIMESTAMP {@code Instant},
 * TIMESTAMP_NTZ {@code LocalDateTime}, ARRAY/STRUCT {@code List}, MAP {@code Map}, ...). Implement
 * at least one of the two. The partition is passed along, since records carry data columns only.
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
     * Converts one record, read from a view that is reused for the next record: what the output
     * keeps must be copied out of it (the view's getters of primitives and objects return copies;
     * its byte array does not). By default the record's values, boxed, go to {@link
     * #deserialize(Object[], PartitionSpec)}.
     *
     * @param record the columns {@link #open} returned, in that order
     * @param partition the record's partition, empty for a non-partitioned table
     */
    default OUT deserialize(RecordView record, PartitionSpec partition) throws IOException {
        return deserialize(record.toValues(), partition);
    }

    /**
     * Converts one record from its boxed values. The array is not reused by the source. The source
     * calls this only from the default {@link #deserialize(RecordView, PartitionSpec)}: a
     * deserializer that overrides that need not implement this.
     *
     * @param values the values of the columns {@link #open} returned, in that order
     * @param partition the record's partition, empty for a non-partitioned table
     * @throws UnsupportedOperationException unless implemented
     */
    default OUT deserialize(Object[] values, PartitionSpec partition) throws IOException {
        throw new UnsupportedOperationException(
                getClass().getName()
                        + " implements neither deserialize(RecordView, PartitionSpec) nor"
                        + " deserialize(Object[], PartitionSpec)");
    }
}
