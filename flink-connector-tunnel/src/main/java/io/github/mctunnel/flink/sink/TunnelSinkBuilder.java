package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.sink.routing.WriterSpread;
import io.github.mctunnel.flink.sink.stream.ClientStreamTunnelConnectionFactory;
import io.github.mctunnel.flink.sink.stream.StreamTunnelConnectionFactory;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.time.Duration;

/**
 * Builder of {@link TunnelSink}. {@link #build()} validates every setting and contacts nothing; the
 * table's schema is checked against the serializer when the writers open.
 */
@PublicEvolving
public final class TunnelSinkBuilder<IN>
        extends TunnelSinkBuilderBase<TunnelRecordSerializer<IN>, TunnelSinkBuilder<IN>> {

    /** The stream tunnel serves at most 64 partitions of a table at once. */
    public static final int MAX_OPEN_PARTITIONS_LIMIT = 64;

    /** Default of {@link #setPartitionIdleTimeout}. */
    public static final Duration DEFAULT_PARTITION_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private StreamTunnelConnectionFactory connectionFactory;
    private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.AT_LEAST_ONCE;
    private int maxRows = FlushPolicy.DEFAULT_MAX_ROWS;
    private long maxBytes = FlushPolicy.DEFAULT_MAX_BYTES;
    private Duration interval = FlushPolicy.DEFAULT_INTERVAL;
    private int maxOpenPartitions = 8;
    private int maxConcurrentPartitions = MAX_OPEN_PARTITIONS_LIMIT;
    private Duration partitionIdleTimeout = DEFAULT_PARTITION_IDLE_TIMEOUT;
    private int writersPerPartition;

    TunnelSinkBuilder() {}

    @Override
    protected String sinkName() {
        return "TunnelSink";
    }

    @Override
    protected String suggestedSerializer() {
        return "RowDataTunnelRecordSerializer";
    }

    /** AT_LEAST_ONCE (default) or NONE (no flush at checkpoints). */
    public TunnelSinkBuilder<IN> setDeliveryGuarantee(DeliveryGuarantee deliveryGuarantee) {
        this.deliveryGuarantee = deliveryGuarantee;
        return this;
    }

    /** Flush a partition's pack after this many records (default 100,000). */
    public TunnelSinkBuilder<IN> setFlushMaxRows(int maxRows) {
        this.maxRows = maxRows;
        return this;
    }

    /** Flush when this many encoded bytes are buffered over all partitions (default 8 MiB). */
    public TunnelSinkBuilder<IN> setFlushMaxBytes(long maxBytes) {
        this.maxBytes = maxBytes;
        return this;
    }

    /** Flush at this interval (default 10 s; zero turns the timer off). */
    public TunnelSinkBuilder<IN> setFlushInterval(Duration interval) {
        this.interval = interval;
        return this;
    }

    /**
     * Partitions one writer keeps sessions open for (default 8, at most 64); a record for one more
     * partition flushes and releases all of them first.
     */
    public TunnelSinkBuilder<IN> setMaxOpenPartitions(int maxOpenPartitions) {
        this.maxOpenPartitions = maxOpenPartitions;
        return this;
    }

    /**
     * Partitions of the table all writers together hold stream slots on at once, in [1, 64]
     * (default 64, the stream tunnel's limit per table). Each active writer gets an equal share
     * (see {@link #setWritersPerPartition}); a writer that needs to flush to a partition beyond its
     * share first frees one of its own (see {@link #setPartitionIdleTimeout}).
     */
    public TunnelSinkBuilder<IN> setMaxConcurrentPartitions(int maxConcurrentPartitions) {
        this.maxConcurrentPartitions = maxConcurrentPartitions;
        return this;
    }

    /**
     * How long the service keeps a stream session's slots on a partition after the session's last
     * flush there (default 60 s). A stream session cannot be closed: the service frees the slots of
     * a partition that a session stopped flushing to. So a writer releases a partition it has
     * flushed and not written for this long, and counts a partition against its share until this
     * long after its last flush. Records of any partition are buffered at once; a flush that needs
     * one more partition than the writer's share waits until the held partition that frees soonest
     * is free (back-pressure; with more active partitions than the share, a checkpoint takes about
     * this long per extra share of partitions). Set it to at least the service's idle timeout; if
     * it is shorter, the service may answer 429 {@code SlotExceeded}, which the sink retries with
     * the service's back-off.
     */
    public TunnelSinkBuilder<IN> setPartitionIdleTimeout(Duration partitionIdleTimeout) {
        this.partitionIdleTimeout = partitionIdleTimeout;
        return this;
    }

    /**
     * Writer subtasks one table partition's rows are spread over, in [1, 32] (each takes one of the
     * partition's 32 stream slots). By default every writer, at most 32. Fewer writers per
     * partition give larger packs and fewer open partitions per writer when there are many
     * partitions.
     */
    public TunnelSinkBuilder<IN> setWritersPerPartition(int writersPerPartition) {
        if (writersPerPartition < 1) {
            throw new IllegalArgumentException(
                    "TunnelSink: writers per partition must be at least 1, got "
                            + writersPerPartition);
        }
        this.writersPerPartition = writersPerPartition;
        return this;
    }

    @VisibleForTesting
    TunnelSinkBuilder<IN> setConnectionFactory(StreamTunnelConnectionFactory connectionFactory) {
        this.connectionFactory = connectionFactory;
        return this;
    }

    /**
     * @throws IllegalArgumentException naming the missing or invalid setting
     */
    public TunnelSink<IN> build() {
        checkCommon(connectionFactory != null);
        if (deliveryGuarantee == null) {
            throw new IllegalArgumentException("TunnelSink: the delivery guarantee must be set");
        }
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            throw new IllegalArgumentException(
                    "TunnelSink: the stream tunnel sink supports AT_LEAST_ONCE and NONE; for"
                            + " EXACTLY_ONCE use TunnelExactlyOnceSink.builder() (regular tunnel)");
        }
        if (maxOpenPartitions < 1 || maxOpenPartitions > MAX_OPEN_PARTITIONS_LIMIT) {
            throw new IllegalArgumentException(
                    "TunnelSink: max open partitions must be in [1, "
                            + MAX_OPEN_PARTITIONS_LIMIT
                            + "] (the stream tunnel serves at most 64 partitions of a table),"
                            + " got "
                            + maxOpenPartitions);
        }
        if (maxConcurrentPartitions < 1 || maxConcurrentPartitions > MAX_OPEN_PARTITIONS_LIMIT) {
            throw new IllegalArgumentException(
                    "TunnelSink: max concurrent partitions must be in [1, "
                            + MAX_OPEN_PARTITIONS_LIMIT
                            + "] (the stream tunnel serves at most 64 partitions of a table),"
                            + " got "
                            + maxConcurrentPartitions);
        }
        if (partitionIdleTimeout == null || partitionIdleTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "TunnelSink: the partition idle timeout must be zero or positive, got "
                            + partitionIdleTimeout);
        }
        if (writersPerPartition > WriterSpread.MAX_SLOTS_PER_PARTITION) {
            throw new IllegalArgumentException(
                    "TunnelSink: writers per partition must be at most "
                            + WriterSpread.MAX_SLOTS_PER_PARTITION
                            + " (a partition has at most "
                            + WriterSpread.MAX_SLOTS_PER_PARTITION
                            + " stream slots, one per writer), got "
                            + writersPerPartition);
        }
        FlushPolicy policy = new FlushPolicy(maxRows, maxBytes, interval);
        PartitionSpec staticPartition = staticPartition();
        StreamTunnelConnectionFactory factory =
                connectionFactory != null
                        ? connectionFactory
                        : new ClientStreamTunnelConnectionFactory(
                                connection(), table(), staticPartition, compression());
        return new TunnelSink<>(
                table(),
                factory,
                serializer(),
                staticPartition,
                deliveryGuarantee,
                policy,
                maxOpenPartitions,
                defaultPartition(),
                badRecordPolicy(),
                new WriterSpread(writersPerPartition, maxConcurrentPartitions, maxOpenPartitions),
                partitionIdleTimeout);
    }
}
