package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.session.DownloadSession;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.source.enumerator.PartitionSelection;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;
import io.github.mctunnel.flink.source.table.TunnelTableReadClientFactory;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builder of {@link TunnelSource}. {@link #build()} validates every setting and contacts nothing;
 * the table and partitions are resolved when the job starts.
 */
@PublicEvolving
public final class TunnelSourceBuilder<OUT> {

    /** The service allows 200 download sessions per table per 5 minutes. */
    public static final int DEFAULT_SESSION_BUDGET = 200;

    public static final Duration DEFAULT_SESSION_WINDOW = Duration.ofMinutes(5);

    /** Rows per split by default. */
    public static final long DEFAULT_SPLIT_ROWS = 1_000_000;

    /** Records handed from the fetcher to the reader per batch. */
    public static final int DEFAULT_BATCH_ROWS = 1024;

    private TunnelConnectionOptions connection;
    private TableReadClientFactory clientFactory;
    private String schema;
    private String table;
    private TunnelRecordDeserializer<OUT> deserializer;
    private PartitionSelection partitions = PartitionSelection.all();
    private PartitionSpec startPartition;
    private long splitRows = DEFAULT_SPLIT_ROWS;
    private long rowsPerRequest = DownloadSession.DEFAULT_ROWS_PER_REQUEST;
    private int batchRows = DEFAULT_BATCH_ROWS;
    private Duration discoveryInterval;
    private SessionInvalidationPolicy invalidationPolicy = SessionInvalidationPolicy.FAIL;
    private int sessionBudget = DEFAULT_SESSION_BUDGET;
    private Duration sessionWindow = DEFAULT_SESSION_WINDOW;
    private Compression compression = Compression.DEFAULT;
    private long rowLimit = Long.MAX_VALUE;
    private PartitionReadiness readiness = PartitionReadiness.whenNewerPartitionHasRows();

    TunnelSourceBuilder() {}

    /**
     * Endpoint, optional tunnel endpoint, project, credentials (an AccessKey or a {@link
     * io.github.mctunnel.flink.config.CredentialsProviderFactory}) and quota name; the same options
     * the sinks take.
     */
    public TunnelSourceBuilder<OUT> setConnection(TunnelConnectionOptions connection) {
        this.connection = connection;
        return this;
    }

    /** The schema (namespace) of the table, for projects with three-level names. */
    public TunnelSourceBuilder<OUT> setSchema(String schema) {
        this.schema = schema == null || schema.isBlank() ? null : schema.trim();
        return this;
    }

    /** The table name in the connection's project. */
    public TunnelSourceBuilder<OUT> setTable(String table) {
        this.table = table;
        return this;
    }

    /**
     * Turns records into the output type and chooses the columns to download (column projection);
     * ready ones: {@link RowDataTunnelRecordDeserializer}, {@link RowTunnelRecordDeserializer}.
     */
    public TunnelSourceBuilder<OUT> setDeserializer(TunnelRecordDeserializer<OUT> deserializer) {
        this.deserializer = deserializer;
        return this;
    }

    /** Reads these partitions ({@code ds=20240101,hh=08}) only. */
    public TunnelSourceBuilder<OUT> setPartitions(String... partitionSpecs) {
        List<PartitionSpec> specs = new ArrayList<>();
        for (String s : partitionSpecs) {
            PartitionSpec p = PartitionSpec.parse(s);
            if (p.isEmpty()) {
                throw new IllegalArgumentException(
                        "TunnelSource: empty partition spec '" + s + "'");
            }
            specs.add(p);
        }
        this.partitions = PartitionSelection.of(specs);
        return this;
    }

    /** Reads the partitions the predicate accepts (checked on the table's partition list). */
    public TunnelSourceBuilder<OUT> setPartitionFilter(PartitionFilter predicate) {
        this.partitions = PartitionSelection.matching(predicate);
        return this;
    }

    /** Reads all partitions (the default). */
    public TunnelSourceBuilder<OUT> setAllPartitions() {
        this.partitions = PartitionSelection.all();
        return this;
    }

    /**
     * Skips partitions ordered before this one (values compared key by key, integers as numbers).
     */
    public TunnelSourceBuilder<OUT> setStartPartition(String partitionSpec) {
        this.startPartition = PartitionSpec.parse(partitionSpec);
        return this;
    }

    /** Rows per split (default 1,000,000): the unit of work a reader pulls. */
    public TunnelSourceBuilder<OUT> setSplitRows(long splitRows) {
        this.splitRows = splitRows;
        return this;
    }

    /**
     * Most rows per download request (default 500,000), so that every request ends well within the
     * service's 300 s reader lifetime; lower it for very wide rows or slow networks.
     */
    public TunnelSourceBuilder<OUT> setRowsPerRequest(long rowsPerRequest) {
        this.rowsPerRequest = rowsPerRequest;
        return this;
    }

    /** Bounded (the default): reads the partitions selected at start, then ends. */
    public TunnelSourceBuilder<OUT> setBounded() {
        this.discoveryInterval = null;
        return this;
    }

    /**
     * Continuous: looks for new partitions at this interval and reads each new one once, in
     * partition order, when it is ready ({@link #setPartitionReadiness}); what was read is
     * checkpointed.
     */
    public TunnelSourceBuilder<OUT> setContinuous(Duration discoveryInterval) {
        if (discoveryInterval == null
                || discoveryInterval.isNegative()
                || discoveryInterval.isZero()) {
            throw new IllegalArgumentException(
                    "TunnelSource: the partition discovery interval must be positive, got "
                            + discoveryInterval);
        }
        this.discoveryInterval = discoveryInterval;
        return this;
    }

    /**
     * When a continuous read takes a partition (default {@link
     * PartitionReadiness#whenNewerPartitionHasRows()}: once a newer partition has rows, so a
     * partition the writer still commits to is not read half-written). Each partition is read once;
     * a bounded read ignores the rule.
     */
    public TunnelSourceBuilder<OUT> setPartitionReadiness(PartitionReadiness readiness) {
        this.readiness = readiness;
        return this;
    }

    /** What to do with an expired or invalidated download session (default FAIL). */
    public TunnelSourceBuilder<OUT> setSessionInvalidationPolicy(SessionInvalidationPolicy policy) {
        this.invalidationPolicy = policy;
        return this;
    }

    /**
     * At most {@code sessions} download sessions created per {@code window} by this source (default
     * 200 per 5 minutes, the service's per-table limit); lower it when other jobs read the same
     * table. Creations beyond it wait.
     */
    public TunnelSourceBuilder<OUT> setDownloadSessionRate(int sessions, Duration window) {
        this.sessionBudget = sessions;
        this.sessionWindow = window;
        return this;
    }

    /** Compression asked of the service for downloads (default LZ4). */
    public TunnelSourceBuilder<OUT> setCompression(Compression compression) {
        this.compression = compression;
        return this;
    }

    /**
     * At most this many rows in all (a pushed-down {@code LIMIT}): the enumerator hands out splits
     * holding this many rows across all readers (the last one cut), then creates no more download
     * sessions and tells the readers there are no more splits; the rows handed out are part of the
     * enumerator's checkpoint, so a restore does not hand them out again. Downstream, Flink's own
     * limit still applies. Default: no limit.
     */
    public TunnelSourceBuilder<OUT> setRowLimit(long rowLimit) {
        this.rowLimit = rowLimit;
        return this;
    }

    /** Records handed from the fetcher thread to the task per batch (default 1024). */
    public TunnelSourceBuilder<OUT> setBatchRows(int batchRows) {
        this.batchRows = batchRows;
        return this;
    }

    @VisibleForTesting
    TunnelSourceBuilder<OUT> setClientFactory(TableReadClientFactory clientFactory) {
        this.clientFactory = clientFactory;
        return this;
    }

    /**
     * @throws IllegalArgumentException naming the missing or invalid setting
     */
    public TunnelSource<OUT> build() {
        if (connection == null && clientFactory == null) {
            throw new IllegalArgumentException(
                    "TunnelSource needs the connection settings (setConnection)");
        }
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException("TunnelSource needs the table name (setTable)");
        }
        if (deserializer == null) {
            throw new IllegalArgumentException(
                    "TunnelSource needs a record deserializer (setDeserializer), e.g."
                            + " RowDataTunnelRecordDeserializer or RowTunnelRecordDeserializer");
        }
        if (splitRows < 1) {
            throw new IllegalArgumentException(
                    "TunnelSource: split rows must be at least 1, got " + splitRows);
        }
        if (rowsPerRequest < 1) {
            throw new IllegalArgumentException(
                    "TunnelSource: rows per request must be at least 1, got " + rowsPerRequest);
        }
        if (batchRows < 1) {
            throw new IllegalArgumentException(
                    "TunnelSource: batch rows must be at least 1, got " + batchRows);
        }
        if (invalidationPolicy == null) {
            throw new IllegalArgumentException(
                    "TunnelSource: the session invalidation policy must be set");
        }
        if (readiness == null) {
            throw new IllegalArgumentException("TunnelSource: the partition readiness must be set");
        }
        if (compression == null) {
            throw new IllegalArgumentException("TunnelSource: the compression must be set");
        }
        if (rowLimit < 0) {
            throw new IllegalArgumentException(
                    "TunnelSource: the row limit must be 0 or positive, got " + rowLimit);
        }
        if (sessionBudget < 1
                || sessionWindow == null
                || sessionWindow.isNegative()
                || sessionWindow.isZero()) {
            throw new IllegalArgumentException(
                    "TunnelSource: the download session rate needs at least 1 session per"
                            + " positive window, got "
                            + sessionBudget
                            + " per "
                            + sessionWindow);
        }
        String name = table.trim();
        TableReadClientFactory factory =
                clientFactory != null
                        ? clientFactory
                        : new TunnelTableReadClientFactory(
                                connection, schema, name, compression, rowsPerRequest);
        PartitionSelection selection =
                startPartition == null ? partitions : partitions.startingFrom(startPartition);
        return new TunnelSource<>(
                factory,
                connection == null ? name : connection.project() + "." + name,
                deserializer,
                selection,
                splitRows,
                batchRows,
                discoveryInterval,
                invalidationPolicy,
                sessionBudget,
                sessionWindow,
                rowLimit,
                readiness);
    }
}
