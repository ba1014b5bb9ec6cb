package io.github.mctunnel.benchmarks.flink;

import io.github.mctunnel.benchmarks.data.EventRows;
import io.github.mctunnel.benchmarks.data.RecordStreams;
import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.CommitOutcome;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import com.aliyun.odps.Odps;
import com.aliyun.odps.account.AliyunAccount;
import com.aliyun.odps.tunnel.TableTunnel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * An embedded {@link TunnelEmulator} (loopback, in-memory catalog, signature verification on) with
 * the given limits, holding {@link EventRows} tables loaded fast from pre-encoded uncompressed
 * blocks, and the connection settings for our source, our sinks and the official SDK.
 */
public final class EventTable implements AutoCloseable {

    public static final String PROJECT = "bench";
    private static final String ACCESS_ID = "bench-id";
    private static final String ACCESS_KEY = "bench-key";
    private static final int DISTINCT_ROWS = 50_000;
    private static final long MAX_ROWS_PER_BLOCK = 200_000;
    private static final int LOAD_THREADS = 16;

    private final TunnelEmulator emulator;
    private final EventRows rows;
    private final double bytesPerRow;

    private EventTable(TunnelEmulator emulator, EventRows rows, double bytesPerRow) {
        this.emulator = emulator;
        this.rows = rows;
        this.bytesPerRow = bytesPerRow;
    }

    /** Starts an emulator with {@code limits}. */
    public static EventTable start(EmulatorLimits limits) throws IOException {
        EventRows rows = EventRows.generate(DISTINCT_ROWS, 1, 1);
        double bytesPerRow = bytesPerRow(rows);
        TunnelEmulator emulator =
                TunnelEmulator.builder()
                        .project(PROJECT)
                        .credentials(ACCESS_ID, ACCESS_KEY)
                        .limits(limits)
                        .build()
                        .start();
        return new EventTable(emulator, rows, bytesPerRow);
    }

    /** Uncompressed record-stream bytes of one row, on average over the rows the tables repeat. */
    public double bytesPerRow() {
        return bytesPerRow;
    }

    /** {@link #bytesPerRow()} without an emulator (the rows are the same for every table). */
    public static double bytesPerEventRow() throws IOException {
        return bytesPerRow(EventRows.generate(DISTINCT_ROWS, 1, 1));
    }

    private static double bytesPerRow(EventRows rows) throws IOException {
        return (double) RecordStreams.encode(rows).length / rows.size();
    }

    /**
     * Creates table {@code name} and commits {@code rowCount} event rows to it in one upload
     * session, from blocks encoded once up front and written concurrently (so that loading is quick
     * even under a per-request bandwidth cap; the emulator's ingest is the only cost).
     */
    public void create(String name, long rowCount) throws Exception {
        String columns =
                EventRows.SCHEMA.columns().stream()
                        .map(EventTable::ddl)
                        .collect(Collectors.joining(", "));
        emulator.executeSql(PROJECT, "CREATE TABLE " + name + " (" + columns + ")");
        if (rowCount == 0) {
            return;
        }
        long perBlock =
                Math.min(
                        MAX_ROWS_PER_BLOCK,
                        Math.max(1, (rowCount + LOAD_THREADS - 1) / LOAD_THREADS));
        int blocks = (int) ((rowCount + perBlock - 1) / perBlock);
        byte[] full = RecordStreams.encode(rows, perBlock, Compression.RAW);
        long lastRows = rowCount - perBlock * (blocks - 1);
        byte[] last =
                lastRows == perBlock ? full : RecordStreams.encode(rows, lastRows, Compression.RAW);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(blocks, LOAD_THREADS));
        try (TunnelClient client = client(LOAD_THREADS)) {
            UploadSession session =
                    client.createUploadSession(
                            TableIdentifier.of(PROJECT, name), PartitionSpec.empty(), false);
            List<Future<?>> writes = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            for (long id = 0; id < blocks; id++) {
                long blockId = id;
                byte[] block = id == blocks - 1 ? last : full;
                ids.add(id);
                writes.add(
                        pool.submit(
                                () -> {
                                    session.writeBlock(blockId, null, block, 0, block.length);
                                    return null;
                                }));
            }
            for (Future<?> w : writes) {
                w.get();
            }
            CommitOutcome outcome = session.commit(ids);
            if (outcome != CommitOutcome.COMMITTED) {
                throw new IllegalStateException("Loading " + name + ": commit returned " + outcome);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Creates table {@code name} of the event columns as a Delta table (transactional, primary key
     * {@code keyColumn}, NOT NULL) with {@code buckets} buckets, for upserts.
     */
    public void createUpsert(String name, String keyColumn, int buckets) {
        String columns =
                EventRows.SCHEMA.columns().stream()
                        .map(c -> c.name().equals(keyColumn) ? ddl(c) + " NOT NULL" : ddl(c))
                        .collect(Collectors.joining(", "));
        emulator.executeSql(
                PROJECT,
                "CREATE TABLE "
                        + name
                        + " ("
                        + columns
                        + ", PRIMARY KEY ("
                        + keyColumn
                        + ")) TBLPROPERTIES ('transactional'='true', 'write.bucket.num'='"
                        + buckets
                        + "')");
    }

    /**
     * The committed rows of table {@code name} (unpartitioned), read directly from the emulator.
     */
    public List<Object[]> committedRows(String name) {
        return emulator.committedRows(TableIdentifier.of(PROJECT, name), PartitionSpec.empty());
    }

    /** Successful upsert commits on table {@code name}. */
    public long upsertCommits(String name) {
        return emulator.stats(TableIdentifier.of(PROJECT, name)).upsertCommits();
    }

    /** Upsert flush requests ({@code PUT .../upserts}, one per bucket pack) the emulator served. */
    public long upsertFlushes(String name) {
        return emulator.requestLog()
                .entries(
                        r ->
                                r.method().equals("PUT")
                                        && r.status() == 200
                                        && r.path().contains("/tables/" + name + "/upserts"))
                .size();
    }

    /** Rows committed to (or flushed into) table {@code name}, as the emulator counts them. */
    public long rowsCommitted(String name) {
        return emulator.stats(TableIdentifier.of(PROJECT, name)).rowsCommitted();
    }

    /** The connection settings of our source and sinks. */
    public TunnelConnectionOptions connection() {
        return TunnelConnectionOptions.builder()
                .endpoint(emulator.odpsEndpoint())
                .tunnelEndpoint(emulator.tunnelEndpoint())
                .project(PROJECT)
                .accessKey(ACCESS_ID, ACCESS_KEY)
                .build();
    }

    /** The official SDK's table tunnel, pointed at the emulator. */
    public TableTunnel sdkTunnel() {
        Odps odps = new Odps(new AliyunAccount(ACCESS_ID, ACCESS_KEY));
        odps.setEndpoint(emulator.odpsEndpoint());
        odps.setDefaultProject(PROJECT);
        TableTunnel tunnel = new TableTunnel(odps);
        tunnel.setEndpoint(emulator.tunnelEndpoint());
        return tunnel;
    }

    private TunnelClient client(int connections) {
        return TunnelClient.builder()
                .odpsEndpoint(emulator.odpsEndpoint())
                .tunnelEndpoint(emulator.tunnelEndpoint())
                .project(PROJECT)
                .credentialsProvider(StaticCredentialsProvider.of(ACCESS_ID, ACCESS_KEY))
                .maxConnections(connections)
                .build();
    }

    private static String ddl(Column c) {
        return c.name() + " " + c.type() + (c.nullable() ? "" : " NOT NULL");
    }

    @Override
    public void close() {
        emulator.close();
    }
}
