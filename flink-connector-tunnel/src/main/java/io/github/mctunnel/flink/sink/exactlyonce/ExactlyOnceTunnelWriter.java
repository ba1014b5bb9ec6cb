package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.flink.client.TunnelClientLease;
import io.github.mctunnel.flink.convert.ValueConversionException;
import io.github.mctunnel.flink.coordination.CoordinatorGateways;
import io.github.mctunnel.flink.sink.BadRecordPolicy;
import io.github.mctunnel.flink.sink.TunnelRecordSerializer;
import io.github.mctunnel.flink.sink.writer.BadRecords;
import io.github.mctunnel.flink.sink.writer.DynamicPartitionResolver;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exactly-once writer on the regular tunnel. Rows of the current epoch (the checkpoint they belong
 * to: the last snapshot's id + 1) are buffered per partition; at the checkpoint each non-empty
 * partition buffer becomes one block of the upload session the coordinator shares between all
 * writers for (partition, epoch), with the deterministic n-th id of the writer's {@link
 * BlockIdRange}. A replay after a failure therefore rewrites the same ids (a rewritten block id
 * replaces the block). The committable lists the blocks, and only the global committer commits.
 *
 * <p>Needs aligned checkpoints (checked when the job is built): with unaligned checkpoints rows
 * could overtake a barrier and land in the epoch after the one that is committed for them.
 */
@Internal
public final class ExactlyOnceTunnelWriter<IN>
        implements StatefulSinkWriter<IN, Void>, CommittingSinkWriter<IN, BlockCommittable> {

    private final String table;
    private final TunnelClientLease lease;
    private final TunnelClient client;
    private final TableIdentifier tableId;
    private final TunnelRecordSerializer<IN> serializer;
    private final String staticPartition;
    private final String registryKey;
    private final int subtask;
    private final int parallelism;
    private final int attempt;
    private final long blockTargetBytes;
    private final Compression compression;

    private final TableSchema schema;
    private final int columnCount;
    private final DynamicPartitionResolver partitions;
    private final BadRecords badRecords;

    /** The record the serializer writes each element into, reused. */
    private final StagedRecord record;

    private final Map<String, PartitionBlockBuffer> buffers = new LinkedHashMap<>();
    private final Map<String, List<Long>> writtenBlocks = new LinkedHashMap<>();
    private final Map<String, Long> writtenRows = new LinkedHashMap<>();
    private final Map<String, UploadSession> sessions = new LinkedHashMap<>();
    private final Map<String, SessionResponse> epochSessions = new LinkedHashMap<>();
    private PartitionSpec lastSpec;
    private String lastPartition;
    private final Counter numRecordsSend;
    private final Counter numBytesSend;

    private long epoch;
    private SessionResolver resolver;

    /**
     * @param lease the lease on the shared client, closed when the writer is
     * @param staticPartition Tunnel form of the partition ("" when not partitioned), or null to
     *     take it from the partition values the serializer appends
     * @param defaultPartition with dynamic partitions, where records with a NULL, empty or unusable
     *     partition value go; null to treat them as bad records
     * @param badRecords whether a record the table cannot take fails the job or is skipped
     * @param lastCheckpointId the restored checkpoint id, 0 when starting fresh
     */
    public ExactlyOnceTunnelWriter(
            String table,
            TunnelClientLease lease,
            TunnelRecordSerializer<IN> serializer,
            String staticPartition,
            PartitionSpec defaultPartition,
            BadRecordPolicy badRecords,
            String registryKey,
            int subtask,
            int parallelism,
            int attempt,
            long blockTargetBytes,
            Compression compression,
            long lastCheckpointId,
            SinkWriterMetricGroup metrics)
            throws IOException {
        this.table = table;
        this.lease = lease;
        this.client = lease.client();
        this.tableId = client.table(table);
        this.serializer = serializer;
        this.staticPartition = staticPartition;
        this.registryKey = registryKey;
        BlockIdRange.of(subtask, parallelism); // validates the parallelism
        this.subtask = subtask;
        this.parallelism = parallelism;
        this.attempt = attempt;
        this.blockTargetBytes = blockTargetBytes;
        this.compression = compression;
        this.epoch = lastCheckpointId + 1;

        this.schema = client.getTable(tableId).schema();
        boolean dynamic = staticPartition == null;
        if (dynamic && !schema.isPartitioned()) {
            throw new IllegalArgumentException(
                    "Dynamic partitioning was configured, but table "
                            + table
                            + " is not partitioned");
        }
        if (dynamic) {
            if (defaultPartition != null) {
                defaultPartition.validateAgainst(schema, table);
            }
            this.partitions = new DynamicPartitionResolver(schema, defaultPartition);
        } else {
            PartitionSpec.parse(staticPartition).validateAgainst(schema, table);
            this.partitions = null;
        }
        serializer.open(schema, dynamic);
        this.columnCount = schema.columnCount();
        List<Column> fields = new ArrayList<>(schema.columns());
        if (dynamic) {
            fields.addAll(schema.partitionKeys());
        }
        this.record = new StagedRecord(fields);
        this.badRecords =
                new BadRecords(table, schema, badRecords, metrics.counter("numRecordsSkipped"));
        this.numRecordsSend = metrics.getNumRecordsSendCounter();
        this.numBytesSend = metrics.getNumBytesSendCounter();
    }

    @Override
    public void write(IN element, Context context) throws IOException, InterruptedException {
        String partition;
        PartitionBlockBuffer buffer;
        try {
            record.clear();
            serializer.serialize(element, record);
            partition =
                    partitions == null ? staticPartition : partitionOf(partitions.resolve(record));
            badRecords.checkNotNull(record);
            buffer = buffers.get(partition);
            if (buffer == null) {
                buffer =
                        new PartitionBlockBuffer(
                                schema.columns(),
                                RecordStreamWriter.DEFAULT_MAX_FIELD_SIZE,
                                compression);
                buffers.put(partition, buffer);
            }
            // the codec discards a record it refuses: the buffer holds only whole records
            buffer.append(record);
        } catch (IllegalArgumentException | ValueConversionException e) {
            badRecord(e);
            return;
        }
        if (buffer.bytes() >= blockTargetBytes) {
            // a full buffer becomes a block now; the next rows start another block of the epoch
            writeBlock(partition, buffer);
        }
    }

    /** The Tunnel form of a resolved partition, computed once per run of equal partitions. */
    private String partitionOf(PartitionSpec spec) {
        if (spec != lastSpec) {
            lastSpec = spec;
            lastPartition = spec.toString();
        }
        return lastPartition;
    }

    private void badRecord(RuntimeException e) {
        if (!badRecords.skip(e)) {
            throw e;
        }
    }

    private void writeBlock(String partition, PartitionBlockBuffer buffer)
            throws IOException, InterruptedException {
        if (buffer.records() == 0) {
            return;
        }
        List<Long> blocks = writtenBlocks.computeIfAbsent(partition, p -> new ArrayList<>());
        SessionResponse grant = grant(partition);
        BlockIdRange blockIds = grant.blockRange();
        if (blocks.size() >= blockIds.size()) {
            throw new IOException(
                    "Writer block range exhausted: "
                            + blockIds.size()
                            + " blocks of table "
                            + table
                            + " partition '"
                            + partition
                            + "' between two checkpoints; raise the block target size or"
                            + " checkpoint more often");
        }
        long blockId = blockIds.id(blocks.size());
        UploadSession session = session(partition, grant.sessionId());
        long bytes = buffer.bytes();
        long rows = buffer.writeTo(session, blockId);
        blocks.add(blockId);
        writtenRows.merge(partition, rows, Long::sum);
        numRecordsSend.inc(rows);
        numBytesSend.inc(bytes);
    }

    /** The session and block range of the partition in the current epoch (asked once). */
    private SessionResponse grant(String partition) throws IOException, InterruptedException {
        SessionResponse grant = epochSessions.get(partition);
        if (grant != null) {
            return grant;
        }
        if (resolver == null) {
            resolver =
                    new GatewaySessionResolver(
                            CoordinatorGateways.lookup(registryKey, "exactly-once"),
                            subtask,
                            parallelism,
                            attempt);
        }
        grant = resolver.session(partition, epoch);
        epochSessions.put(partition, grant);
        return grant;
    }

    private UploadSession session(String partition, String id) throws IOException {
        UploadSession session = sessions.get(id);
        if (session == null) {
            session = client.attachUploadSession(tableId, PartitionSpec.parse(partition), id);
            sessions.put(id, session);
        }
        return session;
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        for (Map.Entry<String, PartitionBlockBuffer> e : buffers.entrySet()) {
            writeBlock(e.getKey(), e.getValue());
        }
    }

    @Override
    public Collection<BlockCommittable> prepareCommit() throws IOException, InterruptedException {
        flush(false);
        List<BlockCommittable> committables = new ArrayList<>(writtenBlocks.size());
        for (Map.Entry<String, List<Long>> e : writtenBlocks.entrySet()) {
            String partition = e.getKey();
            String sessionId = epochSessions.get(partition).sessionId();
            committables.add(
                    new BlockCommittable(
                            sessionId,
                            partition,
                            epoch,
                            e.getValue(),
                            writtenRows.getOrDefault(partition, 0L)));
        }
        releaseIdleBuffers();
        writtenBlocks.clear();
        writtenRows.clear();
        epochSessions.clear();
        return committables;
    }

    /**
     * Drops the buffers of partitions this epoch did not write (all buffers are empty here), so
     * that a job moving through hourly or daily partitions holds buffers only for the partitions it
     * currently writes.
     */
    private void releaseIdleBuffers() throws IOException {
        var it = buffers.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, PartitionBlockBuffer> e = it.next();
            if (!writtenBlocks.containsKey(e.getKey())) {
                e.getValue().release();
                it.remove();
            }
        }
    }

    /** Partitions the writer holds a buffer for (for tests). */
    int bufferedPartitions() {
        return buffers.size();
    }

    @Override
    public List<Void> snapshotState(long checkpointId) {
        // everything before this barrier was written and handed on as committables
        epoch = checkpointId + 1;
        sessions.clear();
        return List.of();
    }

    /** The epoch rows written now belong to. */
    long epoch() {
        return epoch;
    }

    @Override
    public void close() throws Exception {
        // Unwritten rows are dropped: they are replayed from the last checkpoint.
        for (PartitionBlockBuffer b : buffers.values()) {
            b.release();
        }
        buffers.clear();
        lease.close();
    }
}
