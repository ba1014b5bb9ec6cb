package io.github.mctunnel.flink.sink;

import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the exactly-once builder and job-graph checks refuse, and the messages a user reads. */
class TunnelExactlyOnceSinkBuilderTest {

    private static final TunnelConnectionOptions CONNECTION =
            TunnelConnectionOptions.builder()
                    .endpoint("http://localhost:1/api")
                    .project("p")
                    .accessKey("ak", "sk")
                    .build();

    private static TunnelExactlyOnceSinkBuilder<Long> valid() {
        return TunnelExactlyOnceSink.<Long>builder()
                .setConnection(CONNECTION)
                .setTable("events")
                .setSerializer(new AllTypesRows.Serializer(3))
                .setDynamicPartition()
                .setMaxPartitionsPerCheckpoint(3);
    }

    @Test
    void validSettingsBuildWithoutTouchingTheNetwork() {
        TunnelExactlyOnceSink<Long> sink = valid().build();
        assertThat(sink.table()).isEqualTo("events");
        assertThat(sink.maxPartitionsPerCheckpoint()).isEqualTo(3);
        assertThat(sink.limits()).isEqualTo(TableWriteLimits.defaults());
    }

    /**
     * Daily and hourly partitions: the checkpoint that spans midnight writes two partitions, so the
     * default allows two; the rate budgets are checked for the steady state of one.
     */
    @Test
    void byDefaultTwoDynamicPartitionsPerCheckpointWithBudgetsCheckedForOne() {
        TunnelExactlyOnceSinkBuilder<Long> defaults =
                TunnelExactlyOnceSink.<Long>builder()
                        .setConnection(CONNECTION)
                        .setTable("events")
                        .setSerializer(new AllTypesRows.Serializer(3))
                        .setDynamicPartition();
        assertThat(defaults.build().maxPartitionsPerCheckpoint()).isEqualTo(2);
        assertThat(
                        TunnelExactlyOnceSink.<Long>builder()
                                .setConnection(CONNECTION)
                                .setTable("events")
                                .setSerializer(new AllTypesRows.Serializer(2))
                                .build()
                                .maxPartitionsPerCheckpoint())
                .isEqualTo(1);

        // 4 writers x 1 partition x 100 checkpoints per 5 minutes = 400 <= 500 blocks: fits
        StreamExecutionEnvironment env = env(3000);
        env.setParallelism(4);
        env.fromSequence(1, 10).sinkTo(defaults.build());
        env.getStreamGraph();
        // set explicitly, two partitions in every checkpoint would need 800
        StreamExecutionEnvironment explicit = env(3000);
        explicit.setParallelism(4);
        explicit.fromSequence(1, 10).sinkTo(defaults.setMaxPartitionsPerCheckpoint(2).build());
        assertThatThrownBy(explicit::getStreamGraph)
                .hasMessageStartingWith(
                        "EXACTLY_ONCE on table events: parallelism 4 x 2 partitions per checkpoint"
                                + " x 100 checkpoints per 5 minutes = 800 blocks per 5 minutes");
    }

    @Test
    void missingSettingsNameTheSetter() {
        assertThatThrownBy(() -> valid().setConnection(null).build())
                .hasMessage("TunnelExactlyOnceSink needs the connection settings (setConnection)");
        assertThatThrownBy(() -> valid().setTable(" ").build())
                .hasMessage("TunnelExactlyOnceSink needs the table name (setTable)");
        assertThatThrownBy(() -> valid().setSerializer(null).build())
                .hasMessage(
                        "TunnelExactlyOnceSink needs a record serializer (setSerializer), e.g."
                                + " RowDataTunnelRecordSerializer for RowData");
    }

    @Test
    void contradictoryPartitionSettingsAreRefused() {
        assertThatThrownBy(() -> valid().setPartition("ds=1").build())
                .hasMessage(
                        "TunnelExactlyOnceSink: setPartition('ds=1') and setDynamicPartition()"
                                + " exclude each other");
        assertThatThrownBy(
                        () ->
                                TunnelExactlyOnceSink.<Long>builder()
                                        .setConnection(CONNECTION)
                                        .setTable("events")
                                        .setSerializer(new AllTypesRows.Serializer(3))
                                        .setPartition("ds=1")
                                        .setMaxPartitionsPerCheckpoint(2)
                                        .build())
                .hasMessage(
                        "TunnelExactlyOnceSink: a static partition is one partition per"
                                + " checkpoint; setMaxPartitionsPerCheckpoint applies to"
                                + " setDynamicPartition()");
        assertThatThrownBy(() -> valid().setMaxPartitionsPerCheckpoint(0).build())
                .hasMessage(
                        "TunnelExactlyOnceSink: max partitions per checkpoint must be at least 1,"
                                + " got 0");
        assertThatThrownBy(() -> valid().setBlockTargetBytes(100).build())
                .hasMessage(
                        "TunnelExactlyOnceSink: the block target size must be in [1024,"
                                + " 1073741824] bytes (setBlockTargetBytes), got 100");
        // a partition buffer is one byte array: a target near 2 GiB would overflow it
        assertThatThrownBy(() -> valid().setBlockTargetBytes(3L << 30).build())
                .hasMessage(
                        "TunnelExactlyOnceSink: the block target size must be in [1024,"
                                + " 1073741824] bytes (setBlockTargetBytes), got 3221225472");
    }

    @Test
    void morePartitionsThanHalfTheConcurrentSessionsAreRefused() {
        assertThatThrownBy(() -> valid().setMaxPartitionsPerCheckpoint(17).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "EXACTLY_ONCE on table events: 17 partitions per checkpoint need up to 34"
                                + " open upload sessions (the epoch being written and the one"
                                + " being committed), more than the table's 32 concurrent"
                                + " sessions; lower setMaxPartitionsPerCheckpoint to at most 16");
    }

    @Test
    void checkpointRateAboveTheBlockBudgetNamesTheIntervalToUse() {
        StreamExecutionEnvironment env = env(200);
        env.setParallelism(4);
        env.fromSequence(1, 10).sinkTo(valid().build());
        assertThatThrownBy(env::getStreamGraph)
                .isInstanceOf(IllegalArgumentException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "EXACTLY_ONCE on table events: parallelism 4 x 3 partitions per checkpoint"
                                + " x 1500 checkpoints per 5 minutes = 18000 blocks per 5 minutes,"
                                + " more than the table's budget of 500; raise the checkpoint"
                                + " interval to at least 7200 ms, or lower the sink parallelism or"
                                + " setMaxPartitionsPerCheckpoint");
    }

    @Test
    void blockBudgetCountsTheWritersAPartitionIsRoutedTo() {
        // 8 writers would write 8 x 3 x 300 blocks per 5 minutes; routed to 1 per partition, 900
        StreamExecutionEnvironment env = env(1000);
        env.setParallelism(8);
        env.fromSequence(1, 10)
                .sinkTo(
                        valid().setWritersPerPartition(1)
                                .setTableLimits(new TableWriteLimits(100_000, 900, 32, 75))
                                .build());
        assertThat(env.getStreamGraph().getStreamNodes()).isNotEmpty();

        StreamExecutionEnvironment tighter = env(1000);
        tighter.setParallelism(8);
        tighter.fromSequence(1, 10)
                .sinkTo(
                        valid().setWritersPerPartition(2)
                                .setTableLimits(new TableWriteLimits(100_000, 900, 32, 75))
                                .build());
        assertThatThrownBy(tighter::getStreamGraph)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "EXACTLY_ONCE on table events: 2 writers per partition x 3 partitions per"
                                + " checkpoint x 300 checkpoints per 5 minutes = 1800 blocks per"
                                + " 5 minutes, more than the table's budget of 900; raise the"
                                + " checkpoint interval to at least 2000 ms, or lower"
                                + " setWritersPerPartition or setMaxPartitionsPerCheckpoint");
    }

    @Test
    void checkpointRateAboveTheCommitBudgetNamesTheIntervalToUse() {
        StreamExecutionEnvironment env = env(100);
        env.setParallelism(1);
        env.fromData(1L, 2L)
                .sinkTo(
                        valid().setTableLimits(new TableWriteLimits(100_000, 100_000, 32, 75))
                                .build());
        assertThatThrownBy(env::getStreamGraph)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "EXACTLY_ONCE on table events: 450 commits per 15 seconds, more than the"
                                + " table's budget of 75; raise the checkpoint interval to at"
                                + " least 600 ms or lower setMaxPartitionsPerCheckpoint");
    }

    @Test
    void checkpointRateAboveTheSessionBudgetNamesTheIntervalToUse() {
        StreamExecutionEnvironment env = env(1000);
        env.setParallelism(1);
        env.fromData(1L, 2L)
                .sinkTo(
                        valid().setTableLimits(new TableWriteLimits(500, 100_000, 32, 10_000))
                                .build());
        assertThatThrownBy(env::getStreamGraph)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "EXACTLY_ONCE on table events: 3 partitions per checkpoint x 300"
                                + " checkpoints per 5 minutes = 900 upload sessions per 5 minutes,"
                                + " more than the table's budget of 500; raise the checkpoint"
                                + " interval to at least 1800 ms or lower"
                                + " setMaxPartitionsPerCheckpoint");
    }

    @Test
    void unalignedCheckpointsAreRefused() {
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.unaligned.enabled", "true");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(60_000);
        env.fromData(1L, 2L).returns(Types.LONG).sinkTo(valid().build());
        assertThatThrownBy(env::getStreamGraph)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "EXACTLY_ONCE on table events needs aligned checkpoints: disable unaligned"
                                + " checkpoints (execution.checkpointing.unaligned.enabled: false)");
    }

    /** Rows overtaking a barrier would land in the wrong epoch and be committed twice. */
    @Test
    void atLeastOnceCheckpointsAreRefused() {
        StreamExecutionEnvironment env = env(60_000);
        env.getCheckpointConfig()
                .setCheckpointingConsistencyMode(
                        org.apache.flink.core.execution.CheckpointingMode.AT_LEAST_ONCE);
        env.fromData(1L, 2L).sinkTo(valid().build());
        assertThatThrownBy(env::getStreamGraph)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "EXACTLY_ONCE on table events needs exactly-once checkpoints: with"
                                + " AT_LEAST_ONCE checkpoints rows overtake barriers and are"
                                + " committed twice after a restore (execution.checkpointing.mode:"
                                + " EXACTLY_ONCE)");
    }

    @Test
    void parallelismAboveTheBlockIdsIsRefusedWhenTheJobIsBuilt() {
        StreamExecutionEnvironment env = env(600_000);
        env.setParallelism(5001);
        env.fromSequence(1, 10)
                .sinkTo(
                        valid().setTableLimits(new TableWriteLimits(500, 1_000_000, 32, 75))
                                .build());
        assertThatThrownBy(env::getStreamGraph)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "EXACTLY_ONCE on table events runs at parallelism 1 to 5000 (a session's"
                                + " block ids are split among the writers), got 5001");
    }

    @Test
    void toleratedCheckpointFailuresAreRefused() {
        StreamExecutionEnvironment env = env(60_000);
        env.getCheckpointConfig().setTolerableCheckpointFailureNumber(2);
        env.fromData(1L, 2L).sinkTo(valid().build());
        assertThatThrownBy(env::getStreamGraph)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "EXACTLY_ONCE on table events needs a failed checkpoint to restart the job"
                                + " (execution.checkpointing.tolerable-failed-checkpoints: 0)");
    }

    @Test
    void slowEnoughCheckpointsBuildTheJobGraph() {
        StreamExecutionEnvironment env = env(Duration.ofMinutes(1).toMillis());
        env.setParallelism(4);
        env.fromData(1L, 2L).sinkTo(valid().build());
        assertThat(env.getStreamGraph().getStreamNodes())
                .anySatisfy(
                        n ->
                                assertThat(n.getOperatorName())
                                        .isEqualTo("Sink: Tunnel session commit: events"));
    }

    private static StreamExecutionEnvironment env(long checkpointMillis) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.enableCheckpointing(checkpointMillis);
        return env;
    }

    @Test
    void badRecordPolicyAndDefaultPartitionAreKept() {
        TunnelExactlyOnceSink<Long> sink =
                valid().setDefaultPartition("ds=unknown")
                        .setBadRecordPolicy(BadRecordPolicy.SKIP)
                        .build();
        assertThat(sink.defaultPartition()).hasToString("ds=unknown");
        assertThat(sink.badRecordPolicy()).isEqualTo(BadRecordPolicy.SKIP);
        assertThat(valid().build().badRecordPolicy()).isEqualTo(BadRecordPolicy.FAIL);
        assertThat(valid().build().defaultPartition()).isNull();
    }

    @Test
    void badRecordAndDefaultPartitionSettingsNameTheProblem() {
        assertThatThrownBy(() -> valid().setBadRecordPolicy(null))
                .hasMessage("TunnelExactlyOnceSink: the bad record policy must not be null");
        assertThatThrownBy(
                        () ->
                                TunnelExactlyOnceSink.<Long>builder()
                                        .setConnection(CONNECTION)
                                        .setTable("events")
                                        .setSerializer(new AllTypesRows.Serializer(0))
                                        .setPartition("ds=1")
                                        .setDefaultPartition("ds=x")
                                        .build())
                .hasMessage(
                        "TunnelExactlyOnceSink: setDefaultPartition('ds=x') needs"
                                + " setDynamicPartition()");
        assertThatThrownBy(() -> valid().setDefaultPartition("").build())
                .hasMessage(
                        "TunnelExactlyOnceSink: the default partition must name a value for every"
                                + " partition key");
    }

    @Test
    void writersPerPartitionIsOptionalAndBounded() {
        assertThat(valid().build().writersPerPartition()).isZero();
        assertThat(valid().setWritersPerPartition(4).build().writersPerPartition()).isEqualTo(4);
        assertThatThrownBy(() -> valid().setWritersPerPartition(33))
                .hasMessage(
                        "TunnelExactlyOnceSink: writers per partition must be in [1, 32], got 33");
    }
}
