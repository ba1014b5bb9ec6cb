package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The sink in real Flink jobs on a MiniCluster, against an in-memory stream tunnel. */
class TunnelSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final TableSchema SCHEMA =
            TableSchema.of(List.of(Column.of("id", "bigint"), Column.of("name", "string")));

    private static final int ROWS = 1000;

    /** Fails the job once, on the first record after a checkpoint completed. */
    private static final AtomicBoolean FAILED = new AtomicBoolean();

    @Test
    void writesExactlyTheRowsOfABoundedJob() throws Exception {
        InMemoryStreamTunnel tunnel = new InMemoryStreamTunnel(SCHEMA);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromSequence(1, ROWS).sinkTo(sink(tunnel));
        env.execute("bounded");

        assertThat(ids(tunnel)).hasSize(ROWS);
        assertThat(new HashSet<>(ids(tunnel))).hasSize(ROWS);
        // the name column as the record holds it: the UTF-8 of "row-<id>"
        long id = (Long) tunnel.acknowledged.get(0).values().get(0);
        assertThat((byte[]) tunnel.acknowledged.get(0).values().get(1))
                .isEqualTo(("row-" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(tunnel.closedConnections.get()).isEqualTo(2);
    }

    @Test
    void noRowIsLostAfterAFailureAndRestart() throws Exception {
        InMemoryStreamTunnel tunnel = new InMemoryStreamTunnel(SCHEMA);
        FAILED.set(false);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(10));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(100);
        // 50 records per checkpoint and subtask, so the failure falls between checkpoints
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1, ROWS, RateLimiterStrategy.perCheckpoint(50), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "numbers")
                .map(new FailOnceAfterCheckpoint())
                .sinkTo(sink(tunnel));
        env.execute("with failure");

        assertThat(FAILED).isTrue();
        Set<Long> written = new HashSet<>(ids(tunnel));
        // at least once: every row is there; rows after the last checkpoint may be there twice
        assertThat(written).hasSize(ROWS);
        assertThat(ids(tunnel)).hasSizeGreaterThanOrEqualTo(ROWS);
    }

    private static TunnelSink<Long> sink(InMemoryStreamTunnel tunnel) {
        return TunnelSink.<Long>builder()
                .setConnectionFactory(tunnel.factory())
                .setTable("t")
                .setSerializer(new IdAndName())
                .setFlushMaxRows(64)
                .setFlushInterval(Duration.ZERO)
                .build();
    }

    private static List<Long> ids(InMemoryStreamTunnel tunnel) {
        synchronized (tunnel.acknowledged) {
            return tunnel.acknowledged.stream()
                    .peek(r -> assertThat(r.partition()).isEqualTo(PartitionSpec.empty()))
                    .map(r -> (Long) r.values().get(0))
                    .toList();
        }
    }

    /** Writes {@code (id, "row-<id>")}. */
    private static final class IdAndName implements TunnelRecordSerializer<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public void serialize(Long element, RecordFieldWriter record) {
            record.setBigint(0, element);
            record.setString(1, "row-" + element);
        }
    }

    private static final class FailOnceAfterCheckpoint
            implements MapFunction<Long, Long>, CheckpointListener {
        private static final long serialVersionUID = 1L;
        private boolean checkpointCompleted;

        @Override
        public Long map(Long value) {
            if (checkpointCompleted && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after a checkpoint");
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointCompleted = true;
        }
    }
}
