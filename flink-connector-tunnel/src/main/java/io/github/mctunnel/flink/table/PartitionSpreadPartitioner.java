package io.github.mctunnel.flink.table;

import org.apache.flink.runtime.io.network.api.writer.SubtaskStateMapper;
import org.apache.flink.runtime.plugable.SerializationDelegate;
import org.apache.flink.streaming.runtime.partitioner.StreamPartitioner;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import java.util.List;

/**
 * Sends the rows of one MaxCompute partition to at most {@code writers} writer subtasks ({@code
 * sink.writers-per-partition}): a partition's hash picks its first subtask, and its rows go round
 * robin to that subtask and the next {@code writers - 1}. The partition is read from the rows'
 * partition-key fields (dynamic partitions); with a static partition all rows share one hash.
 */
final class PartitionSpreadPartitioner extends StreamPartitioner<RowData> {

    private static final long serialVersionUID = 1L;

    private final RowData.FieldGetter[] partitionFields;
    private final int writers;

    private int nextOffset;

    /**
     * @param rowType the sink's row type
     * @param partitionKeys the names of the partition-key fields; empty for a static partition
     * @param writers at least 1
     */
    PartitionSpreadPartitioner(RowType rowType, List<String> partitionKeys, int writers) {
        if (writers < 1) {
            throw new IllegalArgumentException("writers must be at least 1, got " + writers);
        }
        this.partitionFields = new RowData.FieldGetter[partitionKeys.size()];
        for (int i = 0; i < partitionFields.length; i++) {
            int idx = fieldIndex(rowType, partitionKeys.get(i));
            partitionFields[i] = RowData.createFieldGetter(rowType.getTypeAt(idx), idx);
        }
        this.writers = writers;
    }

    private static int fieldIndex(RowType rowType, String name) {
        List<String> names = rowType.getFieldNames();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(
                "The row has no field for partition key " + name + ": " + rowType);
    }

    /** The partition's first subtask: its key values' hash, spread over the subtasks. */
    int firstChannel(RowData row, int channels) {
        int h = 0;
        for (RowData.FieldGetter getter : partitionFields) {
            Object value = getter.getFieldOrNull(row);
            h = 31 * h + (value == null ? 0 : value.hashCode());
        }
        // spreads hashes that differ in high bits only
        h ^= h >>> 16;
        return Math.floorMod(h, channels);
    }

    @Override
    public int selectChannel(SerializationDelegate<StreamRecord<RowData>> record) {
        RowData row = record.getInstance().getValue();
        int offset = nextOffset;
        nextOffset = offset + 1 == writers ? 0 : offset + 1;
        return (firstChannel(row, numberOfChannels) + offset) % numberOfChannels;
    }

    @Override
    public StreamPartitioner<RowData> copy() {
        return this;
    }

    @Override
    public SubtaskStateMapper getDownstreamSubtaskStateMapper() {
        return SubtaskStateMapper.ROUND_ROBIN;
    }

    @Override
    public boolean isPointwise() {
        return false;
    }

    @Override
    public String toString() {
        return "PARTITION-SPREAD(" + writers + ")";
    }
}
