package io.github.mctunnel.flink.table;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;
import org.apache.flink.table.data.RowData;

import java.io.IOException;

/**
 * A stateless sink (the at-least-once stream sink) behind a {@link PartitionSpreadPartitioner}: the
 * rows of one partition reach at most {@code sink.writers-per-partition} of its writers.
 */
final class PartitionSpreadingSink implements Sink<RowData>, SupportsPreWriteTopology<RowData> {

    private static final long serialVersionUID = 1L;

    private final Sink<RowData> sink;
    private final PartitionSpreadPartitioner partitioner;

    PartitionSpreadingSink(Sink<RowData> sink, PartitionSpreadPartitioner partitioner) {
        this.sink = sink;
        this.partitioner = partitioner;
    }

    @Override
    public SinkWriter<RowData> createWriter(WriterInitContext context) throws IOException {
        return sink.createWriter(context);
    }

    @Override
    public DataStream<RowData> addPreWriteTopology(DataStream<RowData> input) {
        return new DataStream<>(
                input.getExecutionEnvironment(),
                new PartitionTransformation<>(input.getTransformation(), partitioner));
    }

    Sink<RowData> sink() {
        return sink;
    }

    PartitionSpreadPartitioner partitioner() {
        return partitioner;
    }
}
