package io.github.mctunnel.benchmarks.flink.upsert;

import io.github.mctunnel.benchmarks.e2e.CpuAccount;
import io.github.mctunnel.benchmarks.flink.SteadyWindow;
import io.github.mctunnel.benchmarks.flink.sink.EventRowData;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.upsert.RowDataUpsertRecordSerializer;
import io.github.mctunnel.flink.upsert.TunnelUpsertSink;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One upsert job on a local environment: the {@link ChangelogSource} (parallelism 1, one flush
 * window of changes per checkpoint) into {@link TunnelUpsertSink} fed {@code BinaryRowData} through
 * the connector's {@link RowDataUpsertRecordSerializer} (what an {@code INSERT INTO} a primary-key
 * table runs), compaction on (the default), uncompressed packs.
 *
 * <p>The flush window is explicit: the writers flush every bucket at each checkpoint and at end of
 * input, and at no other time, since a bucket's pending changes (at most {@code keys} rows of about
 * 350 B) stay far below the 1 MiB that flushes a bucket early and all pending changes far below
 * {@link #MAX_BUFFERED_BYTES}; the source emits one window per checkpoint.
 */
final class UpsertJob {

    /** Writers (and slots). */
    static final int PARALLELISM = 2;

    /** The table's buckets ({@code write.bucket.num}). */
    static final int BUCKETS = 16;

    /**
     * Checkpoint interval: a window follows the checkpoint after the previous one, so this paces
     * the windows (and bounds the job's idle time between two).
     */
    static final long CHECKPOINT_MILLIS = 100;

    /**
     * Least time between two commits, on the sink and the emulator alike (the service's is 1
     * minute): short, so that the job does not wait long for its final commit.
     */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(500);

    /** Far above what the pending changes of one window take: no size-triggered flush. */
    static final long MAX_BUFFERED_BYTES = 256L << 20;

    private UpsertJob() {}

    /**
     * Runs the job to its end (the last window committed).
     *
     * @return the job's net runtime in nanoseconds, and its steady state (between 30% and 90% of
     *     the changes emitted) taken from {@code cpu} while it ran
     */
    static Ran run(
            TunnelConnectionOptions connection, String table, Changelog changelog, CpuAccount cpu)
            throws Exception {
        Configuration conf = new Configuration();
        // a failure fails the run (with checkpointing Flink would otherwise restart forever)
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        WriterCounters.enable(conf);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, conf);
        env.getConfig().enableObjectReuse();
        env.enableCheckpointing(CHECKPOINT_MILLIS);
        TunnelUpsertSink<RowData> sink =
                TunnelUpsertSink.<RowData>builder()
                        .setConnection(connection)
                        .setTable(table)
                        .setPrimaryKey(Column.of(Changelog.KEY_COLUMN, "bigint"))
                        .setBucketCount(BUCKETS)
                        .setSerializer(new RowDataUpsertRecordSerializer(EventRowData.ROW_TYPE))
                        .setCompaction(true)
                        .setMaxBufferedBytes(MAX_BUFFERED_BYTES)
                        .setCommitInterval(COMMIT_INTERVAL)
                        .setCompression(Compression.RAW)
                        .build();
        env.fromSource(
                        new ChangelogSource(changelog),
                        WatermarkStrategy.noWatermarks(),
                        "changelog",
                        InternalTypeInfo.of(EventRowData.ROW_TYPE))
                .setParallelism(1)
                .sinkTo(sink);
        WriterCounters.reset();
        ChangelogSource.EMITTED.reset();
        JobClient job =
                env.executeAsync(
                        "upsert "
                                + table
                                + ": "
                                + changelog.keys
                                + " keys x "
                                + changelog.changesPerKey
                                + " changes x "
                                + changelog.windows
                                + " windows");
        SteadyWindow steady =
                SteadyWindow.observe(
                        cpu,
                        ChangelogSource.EMITTED::sum,
                        changelog.changes(),
                        0.3,
                        0.9,
                        job.getJobExecutionResult());
        JobExecutionResult result = job.getJobExecutionResult().get();
        return new Ran(
                TimeUnit.MILLISECONDS.toNanos(result.getNetRuntime(TimeUnit.MILLISECONDS)), steady);
    }

    /** A finished run: its net runtime and its steady state. */
    record Ran(long nanos, SteadyWindow steady) {}
}
