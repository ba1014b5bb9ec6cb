package io.github.mctunnel.benchmarks.flink.source;

import io.github.mctunnel.benchmarks.flink.JobRun;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.source.TunnelSource;
import io.github.mctunnel.flink.source.TunnelSourceBuilder;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.util.concurrent.TimeUnit;

/**
 * A bounded job on a local environment: our {@link TunnelSource} reading a whole table with a given
 * number of readers (the source's parallelism), chained to a row counter and a discarding sink.
 * Object reuse is on, so records are not copied between the chained operators.
 */
final class SourceJob {

    private SourceJob() {}

    /**
     * Runs the job; the duration is the job's net runtime (from submission to the end of the last
     * task, so it includes scheduling, split discovery and the download session).
     *
     * @param splitRows rows per split, 0 for the source's default
     */
    static JobRun read(
            TunnelConnectionOptions connection, String table, int readers, long splitRows)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(readers, new Configuration());
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.getConfig().enableObjectReuse();
        TunnelSourceBuilder<Object[]> builder =
                TunnelSource.<Object[]>builder()
                        .setConnection(connection)
                        .setTable(table)
                        .setDeserializer(new ValuesDeserializer())
                        .setCompression(Compression.RAW)
                        .setBounded();
        if (splitRows > 0) {
            builder.setSplitRows(splitRows);
        }
        env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "tunnel-source")
                .map(new RowCounter<>())
                .returns(new ValuesDeserializer().getProducedType())
                .sinkTo(new DiscardingSink<>());
        JobExecutionResult result = env.execute("source " + table + " x" + readers);
        Long rows = result.getAccumulatorResult(RowCounter.ACCUMULATOR);
        return new JobRun(
                rows == null ? 0 : rows,
                TimeUnit.MILLISECONDS.toNanos(result.getNetRuntime(TimeUnit.MILLISECONDS)));
    }
}
