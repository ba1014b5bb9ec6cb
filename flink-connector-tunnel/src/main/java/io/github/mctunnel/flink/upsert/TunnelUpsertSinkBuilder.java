package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.flink.sink.TunnelSinkBuilderBase;
import io.github.mctunnel.flink.sink.session.ServiceClock;

import org.apache.flink.annotation.PublicEvolving;

import java.time.Duration;
import java.util.List;

/**
 * Builder of {@link TunnelUpsertSink}. {@link #build()} validates every setting and contacts
 * nothing; the declared primary key and bucket count are checked against the table when the writers
 * start.
 */
@PublicEvolving
public final class TunnelUpsertSinkBuilder<IN>
        extends TunnelSinkBuilderBase<UpsertRecordSerializer<IN>, TunnelUpsertSinkBuilder<IN>> {

    /** The service accepts one upsert commit per partition per minute. */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMinutes(1);

    public static final long DEFAULT_MAX_BUFFERED_BYTES = 32L << 20;

    private List<Column> primaryKey;
    private int bucketCount;
    private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
    private boolean failOnExpiredSessions;
    private boolean compaction = true;
    private ServiceClock serviceClock = ServiceClock.SYSTEM;
    private long maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    private List<String> updatedColumns;

    TunnelUpsertSinkBuilder() {}

    @Override
    protected String sinkName() {
        return "TunnelUpsertSink";
    }

    @Override
    protected String suggestedSerializer() {
        return "RowDataUpsertRecordSerializer";
    }

    /**
     * The table's primary-key columns with their MaxCompute types, in the table's key order
     * (records are routed by their hash before any session exists).
     */
    public TunnelUpsertSinkBuilder<IN> setPrimaryKey(Column... keyColumns) {
        this.primaryKey = List.of(keyColumns);
        return this;
    }

    public TunnelUpsertSinkBuilder<IN> setPrimaryKey(List<Column> keyColumns) {
        this.primaryKey = List.copyOf(keyColumns);
        return this;
    }

    /** The table's bucket count (its {@code write.bucket.num} property). */
    public TunnelUpsertSinkBuilder<IN> setBucketCount(int bucketCount) {
        this.bucketCount = bucketCount;
        return this;
    }

    /**
     * Least time between two commits of the partition (default 1 minute, the service's limit; lower
     * it only for a service or emulator that allows it).
     */
    public TunnelUpsertSinkBuilder<IN> setCommitInterval(Duration commitInterval) {
        this.commitInterval = commitInterval;
        return this;
    }

    /**
     * What happens when an upsert session whose commit is due is unknown to the service (it expired
     * after 24 hours: usually a savepoint or checkpoint restored more than a day after it was
     * taken). Default {@code false}: the job goes on, a WARN names the table, partition, session,
     * checkpoint and the number of changes, and the commit operator's {@code expiredSessions} and
     * {@code changesOfExpiredSessions} metrics count it; with {@code true} the job fails instead.
     * Either way the changes of such a session are lost unless it was committed before; the
     * restored job's writers replay only the changes after the restored checkpoint.
     */
    public TunnelUpsertSinkBuilder<IN> setFailOnExpiredSessions(boolean fail) {
        this.failOnExpiredSessions = fail;
        return this;
    }

    /**
     * Whether each writer keeps only the last change per key between two flushes of a bucket
     * (default {@code true}): a key that changes a thousand times between flushes is sent once,
     * with the same final table state (with partial-column updates a delete followed by upserts is
     * sent as the delete and the last upsert). The writer's {@code changesCompacted} metric counts
     * the changes it did not send. Turn it off for streams whose keys rarely repeat within a flush:
     * compaction keeps the pending changes on the heap (bounded by {@link #setMaxBufferedBytes})
     * instead of encoding them at once.
     */
    public TunnelUpsertSinkBuilder<IN> setCompaction(boolean compaction) {
        this.compaction = compaction;
        return this;
    }

    /** The service's clock, for tests on the emulator's simulated clock (default: wall clock). */
    TunnelUpsertSinkBuilder<IN> setServiceClock(ServiceClock clock) {
        this.serviceClock = clock;
        return this;
    }

    /** Flush all buckets of a writer when their packs hold this many bytes (default 32 MiB). */
    public TunnelUpsertSinkBuilder<IN> setMaxBufferedBytes(long maxBufferedBytes) {
        this.maxBufferedBytes = maxBufferedBytes;
        return this;
    }

    /**
     * Partial-column updates: every upsert sets only these columns (the primary key identifies the
     * row and need not be listed); an existing row keeps its other columns, a new key gets NULL in
     * them. The serializer is opened with the key and these columns only. Deletes still remove
     * whole rows. The table must enable partial updates (table property {@code
     * acid.partial.fields.update.enable} = {@code true}); otherwise the writers fail at start
     * naming it. Default: none, upserts replace whole rows.
     */
    public TunnelUpsertSinkBuilder<IN> setPartialUpdateColumns(String... columns) {
        return setPartialUpdateColumns(List.of(columns));
    }

    public TunnelUpsertSinkBuilder<IN> setPartialUpdateColumns(List<String> columns) {
        this.updatedColumns = List.copyOf(columns);
        return this;
    }

    /**
     * @throws IllegalArgumentException naming the missing or invalid setting
     */
    public TunnelUpsertSink<IN> build() {
        checkCommon(false);
        UpsertKeyDeclaration key = new UpsertKeyDeclaration(primaryKey, bucketCount);
        if (commitInterval == null || commitInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "TunnelUpsertSink: the commit interval must not be negative, got "
                            + commitInterval);
        }
        if (maxBufferedBytes < TunnelUpsertSinkWriter.BUCKET_FLUSH_BYTES) {
            throw new IllegalArgumentException(
                    "TunnelUpsertSink: max buffered bytes must be at least "
                            + TunnelUpsertSinkWriter.BUCKET_FLUSH_BYTES
                            + " (one bucket's pack), got "
                            + maxBufferedBytes);
        }
        if (updatedColumns != null) {
            List<String> keyNames = key.keyColumns().stream().map(Column::name).toList();
            boolean anyValueColumn = false;
            for (String c : updatedColumns) {
                if (c == null || c.isBlank()) {
                    throw new IllegalArgumentException(
                            "TunnelUpsertSink: a partial-update column name is empty: "
                                    + updatedColumns);
                }
                anyValueColumn |= keyNames.stream().noneMatch(k -> k.equalsIgnoreCase(c.trim()));
            }
            if (!anyValueColumn) {
                throw new IllegalArgumentException(
                        "TunnelUpsertSink: partial updates need at least one column besides the"
                                + " primary key "
                                + keyNames
                                + ", got "
                                + updatedColumns);
            }
        }
        return new TunnelUpsertSink<>(
                java.util.UUID.randomUUID().toString(),
                new UpsertTableFactory(connection(), table()),
                staticPartition(),
                serializer(),
                key,
                commitInterval,
                compression(),
                maxBufferedBytes,
                updatedColumns == null ? null : updatedColumns.stream().map(String::trim).toList(),
                failOnExpiredSessions,
                serviceClock,
                badRecordPolicy(),
                compaction,
                defaultPartition());
    }
}
