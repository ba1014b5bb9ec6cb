package io.github.mctunnel.benchmarks.flink.sink;

import io.github.mctunnel.benchmarks.e2e.CpuAccount;
import io.github.mctunnel.benchmarks.flink.JobRun;
import io.github.mctunnel.benchmarks.flink.SteadyWindow;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.sink.TunnelExactlyOnceSink;
import io.github.mctunnel.flink.sink.TunnelRecordSerializer;
import io.github.mctunnel.flink.sink.TunnelSink;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One streaming job on a local environment: a generator of row indexes (bounded, as fast as it can)
 * chained to a sink, at a given parallelism. The sink is one of the {@link Target}s; every Tunnel
 * sink sends uncompressed data, so the bytes on the wire are the bytes counted.
 */
final class SinkJob {

    /** Where the rows go. */
    enum Target {
        DISCARDING("discarding sink", Input.VALUES),
        /** The discarding sink after every value of a {@code RowData} row was read. */
        READ_EVERY_VALUE("discarding sink reading every RowData value", Input.ROW_DATA),
        AT_LEAST_ONCE("at-least-once sink", Input.VALUES),
        EXACTLY_ONCE("exactly-once sink", Input.VALUES),
        AT_LEAST_ONCE_ROW_DATA("at-least-once sink, RowData (SQL)", Input.ROW_DATA),
        EXACTLY_ONCE_ROW_DATA("exactly-once sink, RowData (SQL)", Input.ROW_DATA),
        AT_LEAST_ONCE_POJO("at-least-once sink, POJO (DataStream)", Input.POJO);

        final String label;
        final Input input;

        Target(String label, Input input) {
            this.label = label;
            this.input = input;
        }

        boolean exactlyOnce() {
            return this == EXACTLY_ONCE || this == EXACTLY_ONCE_ROW_DATA;
        }

        boolean discarding() {
            return this == DISCARDING || this == READ_EVERY_VALUE;
        }
    }

    /** What the sink's serializer is handed. */
    enum Input {
        /** Ready-made record values ({@code Object[]}), the codec's Java mapping. */
        VALUES,
        /** {@code BinaryRowData} through the connector's SQL serializer. */
        ROW_DATA,
        /** A POJO through a user-written serializer. */
        POJO;

        TunnelRecordSerializer<Long> serializer() {
            switch (this) {
                case ROW_DATA:
                    return new IndexedRowDataSerializer();
                case POJO:
                    return new EventPojoSerializer();
                default:
                    return new EventRowSerializer();
            }
        }
    }

    /** Checkpoint interval of the exactly-once job (a commit per checkpoint). */
    static final long CHECKPOINT_MILLIS = 2_000;

    private SinkJob() {}

    /**
     * Rows the generators have handed out, advanced every 1,024 rows (the jobs run in this JVM).
     */
    private static final LongAdder GENERATED = new LongAdder();

    /** The window of a job's progress whose cost is its steady state. */
    private static final double STEADY_FROM = 0.3;

    private static final double STEADY_TO = 0.9;

    /** A finished job: the whole run, and its steady state between 30% and 90% of the rows. */
    record Written(JobRun run, SteadyWindow steady) {}

    /** Hands out row indexes, counting them. */
    private static final class CountedIndexes implements GeneratorFunction<Long, Long> {
        @Override
        public Long map(Long index) {
            if ((index & 1023) == 0) {
                GENERATED.add(1024);
            }
            return index;
        }
    }

    /**
     * Runs the job; the duration is the job's net runtime (submission to the end of the last task,
     * so it includes start-up and, for the sinks, the final flush or commit). While it runs, the
     * cost of its steady state is taken from {@code cpu}.
     */
    static Written write(
            Target target,
            TunnelConnectionOptions connection,
            String table,
            long rows,
            int parallelism,
            CpuAccount cpu)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
        env.getConfig().enableObjectReuse();
        if (target.exactlyOnce()) {
            env.enableCheckpointing(CHECKPOINT_MILLIS);
        }
        DataGeneratorSource<Long> generator =
                new DataGeneratorSource<>(new CountedIndexes(), rows, Types.LONG);
        DataStream<Long> indexes =
                env.fromSource(generator, WatermarkStrategy.noWatermarks(), "row indexes");
        switch (target) {
            case DISCARDING:
                indexes.map(new SerializeAndDrop()).sinkTo(new DiscardingSink<>());
                break;
            case READ_EVERY_VALUE:
                indexes.map(new ReadEveryValue()).sinkTo(new DiscardingSink<>());
                break;
            case AT_LEAST_ONCE:
            case AT_LEAST_ONCE_ROW_DATA:
            case AT_LEAST_ONCE_POJO:
                indexes.sinkTo(
                        TunnelSink.<Long>builder()
                                .setConnection(connection)
                                .setTable(table)
                                .setSerializer(target.input.serializer())
                                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                                .setCompression(Compression.RAW)
                                .build());
                break;
            case EXACTLY_ONCE:
            case EXACTLY_ONCE_ROW_DATA:
                indexes.sinkTo(
                        TunnelExactlyOnceSink.<Long>builder()
                                .setConnection(connection)
                                .setTable(table)
                                .setSerializer(target.input.serializer())
                                .setCompression(Compression.RAW)
                                .build());
                break;
            default:
                throw new IllegalArgumentException(target.toString());
        }
        GENERATED.reset();
        JobClient job = env.executeAsync(target.label + " " + table + " x" + parallelism);
        SteadyWindow steady =
                SteadyWindow.observe(
                        cpu,
                        GENERATED::sum,
                        rows,
                        STEADY_FROM,
                        STEADY_TO,
                        job.getJobExecutionResult());
        JobExecutionResult result = job.getJobExecutionResult().get();
        return new Written(
                new JobRun(
                        rows,
                        TimeUnit.MILLISECONDS.toNanos(result.getNetRuntime(TimeUnit.MILLISECONDS))),
                steady);
    }
}
