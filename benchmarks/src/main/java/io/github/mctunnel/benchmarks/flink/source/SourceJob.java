package io.github.mctunnel.benchmarks.flink.source;

import io.github.mctunnel.benchmarks.data.EventRows;
import io.github.mctunnel.benchmarks.flink.JobRun;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.convert.TunnelTypeMapping;
import io.github.mctunnel.flink.source.RowDataTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.TunnelRecordDeserializer;
import io.github.mctunnel.flink.source.TunnelSource;
import io.github.mctunnel.flink.source.TunnelSourceBuilder;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;

import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/**
 * A bounded job on a local environment: our {@link TunnelSource} reading a whole table with a given
 * number of readers (the source's parallelism), chained to a row counter and a discarding sink.
 * Object reuse is on, so records are not copied between the chained operators.
 */
final class SourceJob {

    /** What the source's deserializer produces. */
    enum Reading {
        /** The codec's {@code Object[]} values as they are ({@link ValuesDeserializer}). */
        VALUES("Object[] values"),
        /** {@code RowData} through the SQL deserializer, as a {@code SELECT} reads the table. */
        ROW_DATA("RowData (SQL)"),
        /**
         * {@code RowData} through the SQL deserializer's {@code Object[]} method: the codec's boxed
         * values first, then the row (the SQL path before issue 18).
         */
        ROW_DATA_VIA_VALUES("RowData via Object[]");

        final String label;

        Reading(String label) {
            this.label = label;
        }

        TunnelRecordDeserializer<?> deserializer() {
            RowType rowType = TunnelTypeMapping.toRowType(EventRows.COLUMNS);
            RowDataTunnelRecordDeserializer sql =
                    new RowDataTunnelRecordDeserializer(
                            rowType, InternalTypeInfo.of(rowType), ZoneOffset.UTC);
            return switch (this) {
                case VALUES -> new ValuesDeserializer();
                case ROW_DATA -> sql;
                case ROW_DATA_VIA_VALUES -> new ViaValuesDeserializer<RowData>(sql);
            };
        }
    }

    private SourceJob() {}

    /** Like {@link #read(TunnelConnectionOptions, String, int, long, Reading)} into values. */
    static JobRun read(
            TunnelConnectionOptions connection, String table, int readers, long splitRows)
            throws Exception {
        return read(connection, table, readers, splitRows, Reading.VALUES);
    }

    /**
     * Runs the job; the duration is the job's net runtime (from submission to the end of the last
     * task, so it includes scheduling, split discovery and the download session).
     *
     * @param splitRows rows per split, 0 for the source's default
     */
    static JobRun read(
            TunnelConnectionOptions connection,
            String table,
            int readers,
            long splitRows,
            Reading reading)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(readers, new Configuration());
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.getConfig().enableObjectReuse();
        build(env, connection, table, splitRows, reading.deserializer());
        JobExecutionResult result = env.execute("source " + table + " x" + readers);
        Long rows = result.getAccumulatorResult(RowCounter.ACCUMULATOR);
        return new JobRun(
                rows == null ? 0 : rows,
                TimeUnit.MILLISECONDS.toNanos(result.getNetRuntime(TimeUnit.MILLISECONDS)));
    }

    private static <T> void build(
            StreamExecutionEnvironment env,
            TunnelConnectionOptions connection,
            String table,
            long splitRows,
            TunnelRecordDeserializer<T> deserializer) {
        TunnelSourceBuilder<T> builder =
                TunnelSource.<T>builder()
                        .setConnection(connection)
                        .setTable(table)
                        .setDeserializer(deserializer)
                        .setCompression(Compression.RAW)
                        .setBounded();
        if (splitRows > 0) {
            builder.setSplitRows(splitRows);
        }
        env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "tunnel-source")
                .map(new RowCounter<T>())
                .returns(deserializer.getProducedType())
                .sinkTo(new DiscardingSink<>());
    }
}
