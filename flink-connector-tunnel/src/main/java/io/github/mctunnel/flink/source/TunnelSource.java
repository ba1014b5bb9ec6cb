package io.github.mctunnel.flink.source;

import io.github.mctunnel.flink.source.enumerator.PartitionSelection;
import io.github.mctunnel.flink.source.enumerator.SessionCreationPacer;
import io.github.mctunnel.flink.source.enumerator.TunnelEnumeratorState;
import io.github.mctunnel.flink.source.enumerator.TunnelEnumeratorStateSerializer;
import io.github.mctunnel.flink.source.enumerator.TunnelSplitEnumerator;
import io.github.mctunnel.flink.source.reader.TunnelSourceReader;
import io.github.mctunnel.flink.source.reader.TunnelSplitReader;
import io.github.mctunnel.flink.source.split.TunnelSplit;
import io.github.mctunnel.flink.source.split.TunnelSplitSerializer;
import io.github.mctunnel.flink.source.table.ReadMetrics;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.util.InstantiationUtil;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * FLIP-27 source reading a MaxCompute table through batch download sessions of the Tunnel service.
 * Build it with {@link #builder()}:
 *
 * <pre>{@code
 * TunnelSource<Row> source = TunnelSource.<Row>builder()
 *         .setConnection(TunnelConnectionOptions.builder()
 *                 .endpoint("https://service.cn-hangzhou.maxcompute.aliyun.com/api")
 *                 .project("my_project")
 *                 .accessKey(id, secret)
 *                 .build())
 *         .setTable("events")
 *         .setDeserializer(RowTunnelRecordDeserializer.forColumns(columns))
 *         .setPartitions("ds=20240101", "ds=20240102")
 *         .build();
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), "events");
 * }</pre>
 *
 * <p>One download session per partition is created by the enumerator when readers need splits (at
 * most {@code 200} per table per 5 minutes by default, paced, never failing), and its rows are cut
 * into splits of {@link TunnelSourceBuilder#setSplitRows split rows}. A split's checkpoint state is
 * (partition, session, range, next row): after a restore, reading resumes at the next unread row,
 * so each row is emitted exactly once. Expired or invalidated sessions are handled per {@link
 * SessionInvalidationPolicy}.
 *
 * <p>Metrics: the standard source metrics, plus {@code pendingSplits} and {@code sessionsCreated}
 * (enumerator), {@code bytesRead} (also in {@code numBytesIn}) and {@code retries} (readers and
 * enumerator).
 */
@PublicEvolving
public final class TunnelSource<OUT>
        implements Source<OUT, TunnelSplit, TunnelEnumeratorState>, ResultTypeQueryable<OUT> {

    private static final long serialVersionUID = 1L;

    private final TableReadClientFactory clientFactory;
    private final String tableName;
    private final TunnelRecordDeserializer<OUT> deserializer;
    private final PartitionSelection partitions;
    private final long splitRows;
    private final int batchRows;
    private final Duration discoveryInterval;
    private final SessionInvalidationPolicy invalidationPolicy;
    private final int sessionBudget;
    private final Duration sessionWindow;
    private final long rowLimit;
    private final PartitionReadiness readiness;

    TunnelSource(
            TableReadClientFactory clientFactory,
            String tableName,
            TunnelRecordDeserializer<OUT> deserializer,
            PartitionSelection partitions,
            long splitRows,
            int batchRows,
            Duration discoveryInterval,
            SessionInvalidationPolicy invalidationPolicy,
            int sessionBudget,
            Duration sessionWindow,
            long rowLimit,
            PartitionReadiness readiness) {
        this.clientFactory = clientFactory;
        this.tableName = tableName;
        this.deserializer = deserializer;
        this.partitions = partitions;
        this.splitRows = splitRows;
        this.batchRows = batchRows;
        this.discoveryInterval = discoveryInterval;
        this.invalidationPolicy = invalidationPolicy;
        this.sessionBudget = sessionBudget;
        this.sessionWindow = sessionWindow;
        this.rowLimit = rowLimit;
        this.readiness = readiness;
    }

    public static <OUT> TunnelSourceBuilder<OUT> builder() {
        return new TunnelSourceBuilder<>();
    }

    @Override
    public Boundedness getBoundedness() {
        return discoveryInterval == null ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SplitEnumerator<TunnelSplit, TunnelEnumeratorState> createEnumerator(
            SplitEnumeratorContext<TunnelSplit> enumContext) {
        return restoreEnumerator(enumContext, TunnelEnumeratorState.initial());
    }

    @Override
    public SplitEnumerator<TunnelSplit, TunnelEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<TunnelSplit> enumContext, TunnelEnumeratorState checkpoint) {
        return new TunnelSplitEnumerator(
                enumContext,
                clientFactory,
                tableName,
                partitions,
                splitRows,
                discoveryInterval == null,
                discoveryInterval == null ? 0 : discoveryInterval.toMillis(),
                invalidationPolicy == SessionInvalidationPolicy.RECREATE,
                new SessionCreationPacer(sessionBudget, sessionWindow),
                System::currentTimeMillis,
                checkpoint,
                rowLimit,
                readiness);
    }

    @Override
    public SourceReader<OUT, TunnelSplit> createReader(SourceReaderContext readerContext)
            throws IOException {
        TunnelRecordDeserializer<OUT> readerDeserializer = copy(deserializer);
        ReadMetrics metrics = readerMetrics(readerContext.metricGroup());
        Map<String, TunnelSplit> invalidated = new ConcurrentHashMap<>();
        return new TunnelSourceReader<>(
                () ->
                        new TunnelSplitReader<>(
                                clientFactory,
                                tableName,
                                readerDeserializer,
                                invalidationPolicy,
                                batchRows,
                                metrics,
                                invalidated,
                                rowLimit),
                invalidated,
                readerContext.getConfiguration(),
                readerContext);
    }

    private static ReadMetrics readerMetrics(SourceReaderMetricGroup group) {
        Counter bytes = group.counter("bytesRead");
        Counter numBytesIn = group.getIOMetricGroup().getNumBytesInCounter();
        Counter retries = group.counter("retries");
        return new ReadMetrics() {
            @Override
            public void bytesRead(long n) {
                bytes.inc(n);
                numBytesIn.inc(n);
            }

            @Override
            public void retried() {
                retries.inc();
            }
        };
    }

    /** Each reader gets its own deserializer (they keep per-reader state after open). */
    private static <T> TunnelRecordDeserializer<T> copy(TunnelRecordDeserializer<T> object)
            throws IOException {
        try {
            return InstantiationUtil.clone(object, object.getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IOException("Cannot copy the record deserializer", e);
        }
    }

    @Override
    public SimpleVersionedSerializer<TunnelSplit> getSplitSerializer() {
        return TunnelSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<TunnelEnumeratorState> getEnumeratorCheckpointSerializer() {
        return TunnelEnumeratorStateSerializer.INSTANCE;
    }

    @Override
    public TypeInformation<OUT> getProducedType() {
        return deserializer.getProducedType();
    }

    public String tableName() {
        return tableName;
    }

    public long splitRows() {
        return splitRows;
    }

    public SessionInvalidationPolicy invalidationPolicy() {
        return invalidationPolicy;
    }

    /** When a continuous read takes a partition. */
    public PartitionReadiness partitionReadiness() {
        return readiness;
    }

    /** The partition discovery interval, or null for a bounded source. */
    public Duration discoveryInterval() {
        return discoveryInterval;
    }
}
