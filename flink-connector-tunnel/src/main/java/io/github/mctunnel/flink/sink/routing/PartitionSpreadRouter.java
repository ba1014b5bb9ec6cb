package io.github.mctunnel.flink.sink.routing;

import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.sink.TunnelRecordSerializer;

import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.runtime.io.network.api.writer.SubtaskStateMapper;
import org.apache.flink.runtime.plugable.SerializationDelegate;
import org.apache.flink.streaming.runtime.partitioner.StreamPartitioner;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The sink's pre-write routing: the rows of one table partition go to a fixed set of writer
 * subtasks. The hash of the partition values picks the first of them among the active writers (see
 * {@link WriterSpread}); the rows are spread evenly (pseudo-randomly) over it and the next {@code
 * writersPerPartition - 1} subtasks. The set depends only on the partition values and the
 * parallelism, so a partition has at most that many writers (stream slots) at any time, whatever
 * the upstream parallelism.
 *
 * <p>With dynamic partitions the partition values are those the record serializer appends; the
 * table's schema it needs is looked up once per upstream subtask, on the first record.
 */
@Internal
public final class PartitionSpreadRouter<IN> extends StreamPartitioner<IN> {

    private static final long serialVersionUID = 1L;

    private final String table;
    private final String staticPartition;
    private final TunnelRecordSerializer<IN> serializer;
    private final TableSchemaSource schemaSource;
    private final WriterSpread spread;

    private transient StagedRecord record;
    private transient int valuesOffset;
    private transient int active;
    private transient int writers;

    /**
     * splitmix64 counter picking the writer among a partition's writers (uncorrelated to inputs).
     */
    private transient long spreadState;

    /**
     * @param staticPartition the partition of every row (empty when not partitioned), or null for
     *     dynamic partitions
     */
    public PartitionSpreadRouter(
            String table,
            PartitionSpec staticPartition,
            TunnelRecordSerializer<IN> serializer,
            TableSchemaSource schemaSource,
            WriterSpread spread) {
        this.table = table;
        this.staticPartition = staticPartition == null ? null : staticPartition.toString();
        this.serializer = serializer;
        this.schemaSource = schemaSource;
        this.spread = spread;
    }

    @Override
    public void setup(int numberOfChannels) {
        super.setup(numberOfChannels);
        this.active = spread.activeWriters(numberOfChannels);
        this.writers = spread.writersPerPartition(numberOfChannels);
    }

    @Override
    public int selectChannel(SerializationDelegate<StreamRecord<IN>> record) {
        return channelFor(record.getInstance().getValue());
    }

    @VisibleForTesting
    int channelFor(IN element) {
        int offset = 0;
        if (writers > 1) {
            // splitmix64 of a counter: no pattern of the input repeats in the choices
            long z = spreadState += 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            long x = z ^ (z >>> 31);
            offset = (int) ((x >>> 33) % writers);
        }
        return (firstChannel(partitionHash(element), active) + offset) % active;
    }

    /** The first of the subtasks a partition with this hash is written by. */
    static int firstChannel(int partitionHash, int activeWriters) {
        int h = partitionHash;
        h ^= h >>> 16;
        return Math.floorMod(h, activeWriters);
    }

    private int partitionHash(IN element) {
        if (staticPartition != null) {
            return staticPartition.hashCode();
        }
        if (record == null) {
            open();
        }
        try {
            record.clear();
            serializer.serialize(element, record);
        } catch (RuntimeException e) {
            // a record the table cannot take: its writer applies the bad-record policy to it
            return 0;
        }
        int h = 1;
        for (int i = valuesOffset; i < record.fieldCount(); i++) {
            h = 31 * h + record.fieldHash(i);
        }
        return h;
    }

    private void open() {
        TableSchema schema;
        try {
            schema = schemaSource.fetch();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Routing rows to the writers of table "
                            + table
                            + " needs its schema, and looking it up failed: "
                            + e.getMessage(),
                    e);
        }
        if (!schema.isPartitioned()) {
            throw new IllegalArgumentException(
                    "Dynamic partitioning was configured, but table "
                            + table
                            + " is not partitioned");
        }
        serializer.open(schema, true);
        valuesOffset = schema.columnCount();
        List<Column> fields = new ArrayList<>(schema.columns());
        fields.addAll(schema.partitionKeys());
        record = new StagedRecord(fields);
    }

    @Override
    public StreamPartitioner<IN> copy() {
        return new PartitionSpreadRouter<>(
                table,
                staticPartition == null ? null : PartitionSpec.parse(staticPartition),
                serializer,
                schemaSource,
                spread);
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
        return "PARTITION-SPREAD";
    }
}
