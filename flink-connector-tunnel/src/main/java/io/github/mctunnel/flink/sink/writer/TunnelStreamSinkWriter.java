package io.github.mctunnel.flink.sink.writer;

import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.http.Sleeper;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.convert.ValueConversionException;
import io.github.mctunnel.flink.sink.BadRecordPolicy;
import io.github.mctunnel.flink.sink.FlushPolicy;
import io.github.mctunnel.flink.sink.TunnelRecordSerializer;
import io.github.mctunnel.flink.sink.stream.RecordPack;
import io.github.mctunnel.flink.sink.stream.SentPack;
import io.github.mctunnel.flink.sink.stream.StreamTunnelConnection;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * At-least-once writer on the stream tunnel. Records are encoded into one record pack per partition
 * as they arrive; the packs are flushed (and acknowledged by the service) when a pack reaches the
 * row limit, when all packs together reach the byte limit, on the flush timer, and always in {@link
 * #flush(boolean)}, which the runtime calls before each checkpoint barrier. So every record before
 * a completed checkpoint has been acknowledged; records after it are replayed from the source after
 * a failure (possibly a second time: at least once).
 *
 * <p>Flushes are synchronous in the task thread: a full buffer stops the task until the service has
 * acknowledged it, which back-pressures the job and bounds memory by the byte limit. A throttled
 * flush (429 {@code SlotExceeded}/{@code FlowExceeded}, 503) is retried with the service's back-off
 * and holds the task meanwhile: back-pressure, not failure.
 *
 * <p>The writer holds stream slots on at most its share of the table's partition budget ({@link
 * OpenPartitions}): idle partitions are released, and a flush that needs one more partition first
 * waits for the held partition whose slots the service frees soonest.
 *
 * <p>How long a checkpoint barrier can wait: at-least-once needs every pack before the barrier
 * acknowledged, so the flush before the barrier (and a threshold or timer flush running when the
 * barrier arrives) holds it until the service answered. Per buffered partition that is one flush
 * with its retries, ended by the client's retry budget ({@code retryMaxDuration}, 10 min by
 * default; each single wait is the back-off of 1 s doubling to 32 s, or longer when the service's
 * {@code Retry-After} demands it, never shorter), plus, for each partition beyond the writer's
 * share, at most the partition idle timeout while a held partition is freed; about once a day per
 * partition, the creation of the successor session (same retry budget). Every wait is interruptible
 * (a cancelled task stops waiting at once) and none longer than the retry back-off or one second;
 * when the budget runs out, the flush fails and the job fails over. The metrics {@code
 * checkpointFlushTimeMs}/{@code maxCheckpointFlushTimeMs} report how long the flushes before
 * barriers took, {@code slotWaitTimeMs} how long flushes waited for stream slots.
 *
 * <p>Stream sessions live as long as the job: the connection replaces a session before a flush once
 * it is 23 h old (the service ends them after 24 h), and a flush refused because the session
 * expired is sent once more through a new session (see {@code ClientStreamTunnelConnection}).
 */
@Internal
public final class TunnelStreamSinkWriter<IN> implements SinkWriter<IN> {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelStreamSinkWriter.class);

    private final String table;
    private final StreamTunnelConnection connection;
    private final TunnelRecordSerializer<IN> serializer;
    private final PartitionSpec staticPartition;
    private final DynamicPartitionResolver partitions;
    private final DeliveryGuarantee guarantee;
    private final FlushPolicy policy;
    private final ProcessingTimeService timeService;

    private final OpenPartitions packs;
    private final int columnCount;

    /** The record the serializer writes each element into, reused. */
    private final StagedRecord record;

    private final Counter numRecordsSend;
    private final Counter numBytesSend;
    private final Counter numRecordsSendErrors;
    private final Counter flushes;
    private final Counter retries;
    private final Counter throttledTimeMs;
    private final Counter rowsCommitted;
    private final BadRecords badRecords;
    private final OpenPartitions.PackFlusher flusher = this::flushPack;
    private volatile long lastFlushMillis;
    private volatile long lastCheckpointFlushMillis;
    private volatile long maxCheckpointFlushMillis;

    private long bufferedBytes;
    private ScheduledFuture<?> timer;
    private boolean closed;

    /**
     * A writer whose share is {@code maxOpenPartitions} partitions, released as soon as they are
     * flushed and idle, failing on bad records.
     *
     * @param staticPartition the partition every record goes to (empty for a non-partitioned
     *     table), or null to take it from the partition values the serializer appends
     */
    public TunnelStreamSinkWriter(
            String table,
            StreamTunnelConnection connection,
            TunnelRecordSerializer<IN> serializer,
            PartitionSpec staticPartition,
            DeliveryGuarantee guarantee,
            FlushPolicy policy,
            int maxOpenPartitions,
            SinkWriterMetricGroup metrics,
            ProcessingTimeService timeService)
            throws IOException {
        this(
                table,
                connection,
                serializer,
                staticPartition,
                null,
                BadRecordPolicy.FAIL,
                guarantee,
                policy,
                new PartitionBudget(maxOpenPartitions, Duration.ZERO),
                metrics,
                timeService,
                Clock.systemUTC(),
                Sleeper.SYSTEM);
    }

    /**
     * @param staticPartition the partition every record goes to (empty for a non-partitioned
     *     table), or null to take it from the partition values the serializer appends
     * @param defaultPartition with dynamic partitions, where records with a NULL, empty or unusable
     *     partition value go; null to fail on them
     * @param badRecords whether a record the table cannot take fails the job or is skipped
     * @param budget the partitions this writer may hold and how long the service holds them
     * @param clock and {@code sleeper}: time for the partition budget
     */
    public TunnelStreamSinkWriter(
            String table,
            StreamTunnelConnection connection,
            TunnelRecordSerializer<IN> serializer,
            PartitionSpec staticPartition,
            PartitionSpec defaultPartition,
            BadRecordPolicy badRecords,
            DeliveryGuarantee guarantee,
            FlushPolicy policy,
            PartitionBudget budget,
            SinkWriterMetricGroup metrics,
            ProcessingTimeService timeService,
            Clock clock,
            Sleeper sleeper)
            throws IOException {
        this.table = table;
        this.connection = connection;
        this.serializer = serializer;
        this.guarantee = guarantee;
        this.policy = policy;
        this.timeService = timeService;
        this.packs =
                new OpenPartitions(
                        connection,
                        budget.partitions(),
                        budget.idleTimeout().toMillis(),
                        clock,
                        sleeper);

        TableSchema schema = connection.schema();
        boolean dynamic = staticPartition == null;
        if (dynamic) {
            if (!schema.isPartitioned()) {
                throw new IllegalArgumentException(
                        "Dynamic partitioning was configured, but table "
                                + table
                                + " is not partitioned");
            }
            if (defaultPartition != null) {
                defaultPartition.validateAgainst(schema, table);
            }
            this.partitions = new DynamicPartitionResolver(schema, defaultPartition);
            this.staticPartition = null;
        } else {
            staticPartition.validateAgainst(schema, table);
            this.partitions = null;
            this.staticPartition = staticPartition;
        }
        serializer.open(schema, dynamic);
        this.columnCount = schema.columnCount();
        List<Column> fields = new ArrayList<>(schema.columns());
        if (dynamic) {
            fields.addAll(schema.partitionKeys());
        }
        this.record = new StagedRecord(fields);

        this.numRecordsSend = metrics.getNumRecordsSendCounter();
        this.numBytesSend = metrics.getNumBytesSendCounter();
        this.numRecordsSendErrors = metrics.getNumRecordsSendErrorsCounter();
        this.flushes = metrics.counter("flushes");
        this.retries = metrics.counter("retries");
        this.throttledTimeMs = metrics.counter("throttledTimeMs");
        this.rowsCommitted = metrics.counter("rowsCommitted");
        metrics.gauge("openPartitions", packs::holding);
        metrics.gauge("openSessions", connection::openSessions);
        metrics.gauge("partitionsReleased", packs::releasedCount);
        metrics.gauge("partitionWaitTimeMs", packs::waitedMillis);
        metrics.gauge("slotWaitTimeMs", () -> throttledTimeMs.getCount() + packs.waitedMillis());
        metrics.gauge("checkpointFlushTimeMs", () -> lastCheckpointFlushMillis);
        metrics.gauge("maxCheckpointFlushTimeMs", () -> maxCheckpointFlushMillis);
        metrics.gauge("streamSessionsRenewed", connection::renewedSessions);
        metrics.gauge("streamSessionsExpired", connection::expiredSessions);
        this.badRecords =
                new BadRecords(table, schema, badRecords, metrics.counter("numRecordsSkipped"));
        metrics.setCurrentSendTimeGauge(() -> lastFlushMillis);
        scheduleTimer();
    }

    @Override
    public void write(IN element, Context context) throws IOException {
        RecordPack pack;
        try {
            record.clear();
            serializer.serialize(element, record);
            pack = packs.packFor(partitions == null ? staticPartition : partitions.resolve(record));
            badRecords.checkNotNull(record);
        } catch (IllegalArgumentException | ValueConversionException e) {
            badRecord(e);
            return;
        }
        long before = pack.bufferedBytes();
        try {
            pack.append(record);
        } catch (IllegalArgumentException e) {
            // the codec discarded the record: the pack holds only whole records
            badRecord(e);
            return;
        }
        bufferedBytes += pack.bufferedBytes() - before;
        if (pack.bufferedRecords() >= policy.maxRows() || bufferedBytes >= policy.maxBytes()) {
            flushAll();
        }
    }

    private void badRecord(RuntimeException e) {
        if (!badRecords.skip(e)) {
            throw new IllegalArgumentException(
                    "Table " + table + " cannot take a record: " + e.getMessage(), e);
        }
    }

    /**
     * Runs before each checkpoint barrier (and at the end of input): sends every buffered pack and
     * waits for its acknowledgement, so the barrier waits as long as this takes; see the class
     * comment for the bound. The time is reported as {@code checkpointFlushTimeMs}.
     */
    @Override
    public void flush(boolean endOfInput) throws IOException {
        if (endOfInput || guarantee != DeliveryGuarantee.NONE) {
            long start = System.nanoTime();
            flushAll();
            packs.releaseIdle();
            long took = (System.nanoTime() - start) / 1_000_000;
            lastCheckpointFlushMillis = took;
            if (took > maxCheckpointFlushMillis) {
                maxCheckpointFlushMillis = took;
            }
        }
    }

    /** Sends every non-empty pack and waits for each acknowledgement. */
    void flushAll() throws IOException {
        packs.flushAll(flusher);
        bufferedBytes = 0;
    }

    /** Sends one partition's pack, counting it in the metrics. */
    private void flushPack(PartitionSpec partition, RecordPack pack) throws IOException {
        long records = pack.bufferedRecords();
        long start = System.nanoTime();
        SentPack sent;
        try {
            sent = pack.flush();
        } catch (IOException | RuntimeException ex) {
            numRecordsSendErrors.inc(records);
            throw new IOException(
                    "Flushing "
                            + records
                            + " records to table "
                            + table
                            + (partition.isEmpty() ? "" : " partition " + partition)
                            + " (stream session "
                            + pack.sessionId()
                            + ") failed: "
                            + ex.getMessage(),
                    ex);
        }
        lastFlushMillis = (System.nanoTime() - start) / 1_000_000;
        flushes.inc();
        numRecordsSend.inc(sent.records());
        rowsCommitted.inc(sent.records());
        numBytesSend.inc(sent.bytes());
        retries.inc(sent.retries());
        throttledTimeMs.inc(sent.backoffMillis());
        LOG.debug(
                "Flushed {} records ({} bytes) to {} {} in {} ms (request {})",
                sent.records(),
                sent.bytes(),
                table,
                partition,
                lastFlushMillis,
                sent.requestId());
    }

    private void scheduleTimer() {
        if (policy.intervalMillis() <= 0 || closed) {
            return;
        }
        timer =
                timeService.registerTimer(
                        timeService.getCurrentProcessingTime() + policy.intervalMillis(),
                        time -> {
                            if (!closed) {
                                flushAll();
                                packs.releaseIdle();
                                scheduleTimer();
                            }
                        });
    }

    /** Records buffered and not yet acknowledged, over all partitions. */
    long bufferedRecords() {
        return packs.bufferedRecords();
    }

    int openPartitions() {
        return packs.size();
    }

    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        if (timer != null) {
            timer.cancel(false);
        }
        // Unflushed records are not sent here: close() also runs when the task fails, and
        // records after the last checkpoint are replayed from the source.
        try {
            packs.releaseAll();
        } finally {
            connection.close();
        }
    }
}
