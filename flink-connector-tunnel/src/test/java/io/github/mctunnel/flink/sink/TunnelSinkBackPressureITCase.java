package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throttling answers on stream flushes (429 {@code SlotExceeded} and {@code FlowExceeded}, injected
 * or from the emulator's own partition limit) hold the writers back with the service's back-off:
 * the job finishes with every row, and no request came sooner than the retry policy allows.
 */
class TunnelSinkBackPressureITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int ROWS = 600;
    private static final int PARTITIONS = 3;
    private static final RequestMatcher FLUSH = RequestMatcher.of("PUT", "/streams");

    private TunnelEmulator emulator;

    @AfterEach
    void stopEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private void start(EmulatorLimits limits) throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").limits(limits).build().start();
    }

    @Test
    void injectedSlotExceededBackPressuresWithoutLoss() throws Exception {
        start(EmulatorLimits.defaults());
        emulator.faultPlan().failNext(2, FLUSH, 429, "SlotExceeded");
        runAndCheck("slot_t", 2, Duration.ofSeconds(60));
        assertThat(throttled("slot_t", "SlotExceeded")).isEqualTo(2);
    }

    @Test
    void injectedFlowExceededWithRetryAfterBackPressuresWithoutLoss() throws Exception {
        start(EmulatorLimits.defaults());
        emulator.faultPlan().failNext(2, FLUSH, 429, "FlowExceeded", 2);
        runAndCheck("flow_t", 2, Duration.ofSeconds(60));
        assertThat(throttled("flow_t", "FlowExceeded")).isEqualTo(2);
    }

    /**
     * The emulator allows one streamed partition and frees it 1 s after its last flush; the sink is
     * told the service frees slots at once, so its flushes to a second partition are refused until
     * the first is free, and are retried until they succeed.
     */
    @Test
    void partitionLimitOfTheServiceBackPressuresWithoutLoss() throws Exception {
        start(
                EmulatorLimits.builder()
                        .maxStreamPartitionsPerTable(1)
                        .streamSlotIdleTimeout(Duration.ofSeconds(1))
                        .build());
        runAndCheck("limit_t", 1, Duration.ZERO);
        assertThat(throttled("limit_t", "SlotExceeded")).isPositive();
        assertThat(emulator.streamSlots(table("limit_t")).peakPartitions()).isEqualTo(1);
    }

    private void runAndCheck(String name, int parallelism, Duration partitionIdleTimeout)
            throws Exception {
        emulator.executeSql(
                "CREATE TABLE "
                        + name
                        + " ("
                        + AllTypesRows.DDL_COLUMNS
                        + ") PARTITIONED BY (ds STRING)");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.enableCheckpointing(200);
        DataGeneratorSource<Long> source =
                new DataGeneratorSource<>(
                        i -> i + 1, ROWS, RateLimiterStrategy.perCheckpoint(200), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "ids")
                .sinkTo(
                        TunnelSink.<Long>builder()
                                .setConnection(TunnelSinkEmulatorITCase.connection(emulator))
                                .setTable(name)
                                .setSerializer(new AllTypesRows.Serializer(PARTITIONS))
                                .setDynamicPartition()
                                .setPartitionIdleTimeout(partitionIdleTimeout)
                                .setFlushInterval(Duration.ZERO)
                                .build());
        env.execute("back-pressure " + name);

        Map<Long, Integer> seen = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (Object[] row :
                    emulator.committedRows(table(name), PartitionSpec.parse("ds=p" + p))) {
                long id = (Long) row[0];
                assertThat(AllTypesRows.partitionOf(id, PARTITIONS)).isEqualTo("p" + p);
                assertThat(AllTypesRows.normalize(row)).isEqualTo(AllTypesRows.expected(id));
                seen.merge(id, 1, Integer::sum);
            }
        }
        // no failure, so every row exactly once: a throttled flush committed nothing
        assertThat(seen).hasSize(ROWS).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(emulator.attackRequests()).isEmpty();
    }

    private TableIdentifier table(String name) {
        return TableIdentifier.of(emulator.defaultProject(), name);
    }

    private long throttled(String name, String code) {
        List<LoggedRequest> answers =
                emulator.requestLog()
                        .entries(
                                r ->
                                        r.path().contains("/" + name + "/")
                                                && r.status() == 429
                                                && code.equals(r.errorCode()));
        return answers.size();
    }
}
