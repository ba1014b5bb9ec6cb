package io.github.mctunnel.benchmarks.flink.sink;

import io.github.mctunnel.benchmarks.flink.JobRun;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.sink.TunnelExactlyOnceSink;
import io.github.mctunnel.flink.sink.TunnelSink;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.util.concurrent.TimeUnit;

/**
 * One streaming job on a local environment: a generator of row indexes (bounded, as fast as it can)
 * chained to a sink, at a given parallelism. The sink is one of the {@link Target}s; every Tunnel
 * sink sends uncompressed data, so the bytes on the wire are the bytes counted.
 */
final class SinkJob {

    /** Where the rows go. */
    enum Target {
        DISCARDING("discarding sink"),
        AT_LEAST_ONCE("at-least-once sink"),
        EXACTLY_ONCE("exactly-once sink");

        final String label;

        Target(String label) {
            this.label = label;
        }
    }

    /** Checkpoint interval of the exactly-once job (a commit per checkpoint). */
    static final long CHECKPOINT_MILLIS = 2_000;

    private SinkJob() {}

    /**
     * Runs the job; the duration is the job's net runtime (submission to the end of the last task,
     * so it includes start-up and, for the sinks, the final flush or commit).
     */
    static JobRun write(
            Target target,
            TunnelConnectionOptions connection,
            String table,
            long rows,
            int parallelism)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
        env.getConfig().enableObjectReuse();
        if (target == Target.EXACTLY_ONCE) {
            env.enableCheckpointing(CHECKPOINT_MILLIS);
        }
        DataGeneratorSource<Long> generator =
                new DataGeneratorSource<>(index -> index, rows, Types.LONG);
        DataStream<Long> indexes =
                env.fromSource(generator, WatermarkStrategy.noWatermarks(), "row indexes");
        switch (target) {
            case DISCARDING:
                indexes.map(new SerializeAndDrop()).sinkTo(new DiscardingSink<>());
                break;
            case AT_LEAST_ONCE:
                indexes.sinkTo(
                        TunnelSink.<Long>builder()
                                .setConnection(connection)
                                .setTable(table)
                                .setSerializer(new EventRowSerializer())
                                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                                .setCompression(Compression.RAW)
                                .build());
                break;
            case EXACTLY_ONCE:
                indexes.sinkTo(
                        TunnelExactlyOnceSink.<Long>builder()
                                .setConnection(connection)
                                .setTable(table)
                                .setSerializer(new EventRowSerializer())
                                .setCompression(Compression.RAW)
                                .build());
                break;
            default:
                throw new IllegalArgumentException(target.toString());
        }
        JobExecutionResult result = env.execute(target.label + " " + table + " x" + parallelism);
        return new JobRun(
                rows, TimeUnit.MILLISECONDS.toNanos(result.getNetRuntime(TimeUnit.MILLISECONDS)));
    }
}
