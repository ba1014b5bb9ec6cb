package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.PublicEvolving;

/**
 * The settings every sink of this connector shares, declared once: connection, table, static or
 * dynamic partition, default partition, serializer, compression and bad-record policy (as
 * Elasticsearch's {@code ElasticsearchSinkBuilderBase} does for its sinks). Each sink's builder
 * adds its own settings; {@link #checkCommon(boolean)} validates the shared ones with the same
 * messages (prefixed by the sink's name) and the same exception, {@link IllegalArgumentException}.
 *
 * @param <SER> the sink's serializer type
 * @param <SELF> the concrete builder, returned by the setters
 */
@PublicEvolving
public abstract class TunnelSinkBuilderBase<SER, SELF extends TunnelSinkBuilderBase<SER, SELF>> {

    private TunnelConnectionOptions connection;
    private String table;
    private PartitionSpec partition;
    private boolean dynamicPartition;
    private PartitionSpec defaultPartition;
    private SER serializer;
    private Compression compression = Compression.DEFAULT;
    private BadRecordPolicy badRecordPolicy = BadRecordPolicy.FAIL;

    protected TunnelSinkBuilderBase() {}

    /** The sink's name in messages, e.g. {@code TunnelSink}. */
    protected abstract String sinkName();

    /** The serializer to suggest when none is set, e.g. {@code RowDataTunnelRecordSerializer}. */
    protected abstract String suggestedSerializer();

    @SuppressWarnings("unchecked")
    private SELF self() {
        return (SELF) this;
    }

    /** Endpoint, project and credentials of the service. */
    public SELF setConnection(TunnelConnectionOptions connection) {
        this.connection = connection;
        return self();
    }

    /** The table name in the connection's project. */
    public SELF setTable(String table) {
        this.table = table;
        return self();
    }

    /**
     * Writes every record to this partition ({@code ds=20240101,hh=08}); none for a non-partitioned
     * table.
     */
    public SELF setPartition(String partitionSpec) {
        this.partition = PartitionSpec.parse(partitionSpec);
        return self();
    }

    /**
     * Takes each record's partition from the partition key fields the serializer sets after the
     * data columns (for the RowData serializers: the row fields named like the partition keys).
     */
    public SELF setDynamicPartition() {
        this.dynamicPartition = true;
        return self();
    }

    /**
     * With dynamic partitions, the partition ({@code ds=unknown}) for records whose partition value
     * is NULL, empty or cannot name a partition; without it such a record is a bad record (see
     * {@link #setBadRecordPolicy}).
     */
    public SELF setDefaultPartition(String partitionSpec) {
        this.defaultPartition = PartitionSpec.parse(partitionSpec);
        return self();
    }

    /** Writes each element into a record. */
    public SELF setSerializer(SER serializer) {
        this.serializer = serializer;
        return self();
    }

    /**
     * Compression of the data sent to the service (default {@link Compression#DEFAULT}, LZ4): the
     * service's bandwidth limits count the bytes on the wire.
     */
    public SELF setCompression(Compression compression) {
        if (compression == null) {
            throw new IllegalArgumentException(sinkName() + ": the compression must not be null");
        }
        this.compression = compression;
        return self();
    }

    /**
     * What to do with a record the table cannot take (wrong type, NULL in a NOT NULL column, value
     * over the field size limit, unusable partition value without a default partition): FAIL the
     * job naming the column and value (default), or SKIP it and count it in the writer's {@code
     * numRecordsSkipped} metric.
     */
    public SELF setBadRecordPolicy(BadRecordPolicy policy) {
        if (policy == null) {
            throw new IllegalArgumentException(
                    sinkName() + ": the bad record policy must not be null");
        }
        this.badRecordPolicy = policy;
        return self();
    }

    /**
     * Validates the shared settings.
     *
     * @param connectionElsewhere whether the builder has another way to reach the service (a test
     *     factory), so that {@link #setConnection} may be left out
     * @throws IllegalArgumentException naming the missing or invalid setting
     */
    protected final void checkCommon(boolean connectionElsewhere) {
        String sink = sinkName();
        if (connection == null && !connectionElsewhere) {
            throw new IllegalArgumentException(
                    sink + " needs the connection settings (setConnection)");
        }
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException(sink + " needs the table name (setTable)");
        }
        if (serializer == null) {
            throw new IllegalArgumentException(
                    sink
                            + " needs a record serializer (setSerializer), e.g. "
                            + suggestedSerializer()
                            + " for RowData");
        }
        if (dynamicPartition && partition != null && !partition.isEmpty()) {
            throw new IllegalArgumentException(
                    sink
                            + ": setPartition('"
                            + partition
                            + "') and setDynamicPartition() exclude each other");
        }
        if (defaultPartition != null && !dynamicPartition) {
            throw new IllegalArgumentException(
                    sink
                            + ": setDefaultPartition('"
                            + defaultPartition
                            + "') needs setDynamicPartition()");
        }
        if (defaultPartition != null && defaultPartition.isEmpty()) {
            throw new IllegalArgumentException(
                    sink + ": the default partition must name a value for every partition key");
        }
    }

    protected final TunnelConnectionOptions connection() {
        return connection;
    }

    /** The table name, trimmed. */
    protected final String table() {
        return table.trim();
    }

    protected final boolean dynamicPartition() {
        return dynamicPartition;
    }

    /** The partition of every record (empty for a non-partitioned table), or null when dynamic. */
    protected final PartitionSpec staticPartition() {
        return dynamicPartition ? null : partition == null ? PartitionSpec.empty() : partition;
    }

    protected final PartitionSpec defaultPartition() {
        return defaultPartition;
    }

    protected final SER serializer() {
        return serializer;
    }

    protected final Compression compression() {
        return compression;
    }

    protected final BadRecordPolicy badRecordPolicy() {
        return badRecordPolicy;
    }
}
