package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.ExceptionUtils;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The session invalidation policies end to end, on a MiniCluster against the emulator.
 *
 * <p>Partition {@code ds=1} has 300 rows in three splits of 100, {@code ds=2} has 200 rows; one
 * reader reads them in order. A map chained to the source invalidates the session of {@code ds=1}
 * when the last row of the first split passes it, i.e. after that split was read and before the
 * reader asks for the second one (a reader requests its next split only once every row of the
 * finished one was emitted). So the point of invalidation is exact: rows 0-99 of {@code ds=1} are
 * emitted on the original session, the other two splits find it invalid.
 */
class TunnelSourceInvalidationITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    /** The emulator of the running test, for the map that invalidates the session. */
    private static volatile EmulatorTables tables;

    private List<String> ds1;
    private List<String> ds2;

    @BeforeEach
    void createTable() throws IOException {
        tables = new EmulatorTables(EmulatorLimits.defaults());
        tables.sql("CREATE TABLE t (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        ds1 = tables.write("t", "ds=1", 0, 300);
        ds2 = tables.write("t", "ds=2", 1_000, 200);
        InvalidateOnRow.DONE.set(false);
    }

    @AfterEach
    void closeEmulator() throws Exception {
        tables.close();
        tables = null;
    }

    @Test
    void failPolicyFailsTheJobNamingTablePartitionSessionAndRange() {
        assertThatThrownBy(() -> run(SessionInvalidationPolicy.FAIL, Invalidation.APPEND))
                .satisfies(
                        e -> {
                            String message = readerFailure(e);
                            assertThat(message)
                                    .startsWith(
                                            "The download session of table p.t can no longer be"
                                                    + " read (partition ds=1, session "
                                                    + ds1SessionId()
                                                    + ", rows [100, 200), next row 100): it"
                                                    + " expired or the partition was modified"
                                                    + " after it was created. Set the session"
                                                    + " invalidation policy to RECREATE or SKIP"
                                                    + " to continue in that case. Cause: ")
                                    .contains("has been modified since the download initiated");
                        });
    }

    @Test
    void failPolicyOnExpiredSessionNamesTheSessionAndRange() {
        assertThatThrownBy(() -> run(SessionInvalidationPolicy.FAIL, Invalidation.EXPIRE))
                .satisfies(
                        e ->
                                assertThat(readerFailure(e))
                                        .startsWith(
                                                "The download session of table p.t can no longer"
                                                        + " be read (partition ds=1, session "
                                                        + ds1SessionId()
                                                        + ", rows [100, 200), next row 100)")
                                        .contains("has expired"));
    }

    @Test
    void skipPolicySkipsTheRestOfThePartition() throws Exception {
        List<String> actual = run(SessionInvalidationPolicy.SKIP, Invalidation.APPEND);

        List<String> expected = new ArrayList<>(ds1.subList(0, 100));
        expected.addAll(ds2);
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(sessionsCreated()).isEqualTo(2);
    }

    @Test
    void recreatePolicyReadsThePartitionAsItStandsWithoutRepeatingRows() throws Exception {
        List<String> actual = run(SessionInvalidationPolicy.RECREATE, Invalidation.APPEND);

        List<String> expected = new ArrayList<>(ds1);
        expected.addAll(InvalidateOnRow.appended());
        expected.addAll(ds2);
        // rows 0-99 once from the old session, 100-299 and the 50 appended from the new one
        assertThat(actual).hasSize(550).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(sessionsCreated()).isEqualTo(3);
    }

    @Test
    void recreatePolicyContinuesAnExpiredSessionWithoutLossOrDuplicates() throws Exception {
        List<String> actual = run(SessionInvalidationPolicy.RECREATE, Invalidation.EXPIRE);

        List<String> expected = new ArrayList<>(ds1);
        expected.addAll(ds2);
        assertThat(actual).hasSize(500).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(sessionsCreated()).isEqualTo(3);
    }

    private List<String> run(SessionInvalidationPolicy policy, Invalidation invalidation)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        TunnelSource<String> source =
                TunnelSource.<String>builder()
                        .setConnection(tables.connection())
                        .setTable("t")
                        .setDeserializer(new LineDeserializer())
                        .setSplitRows(100)
                        .setSessionInvalidationPolicy(policy)
                        .build();
        List<String> out = new ArrayList<>();
        try (CloseableIterator<String> it =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "tunnel")
                        .map(
                                new InvalidateOnRow(
                                        EmulatorTables.line("1", 99, "name-99"), invalidation))
                        .executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        assertThat(InvalidateOnRow.DONE).isTrue();
        return out;
    }

    /** The message of the reader's failure in the job's exception chain. */
    private static String readerFailure(Throwable jobFailure) {
        Optional<Throwable> t =
                ExceptionUtils.findThrowableWithMessage(jobFailure, "The download session of");
        assertThat(t).as("reader failure in %s", jobFailure).isPresent();
        return t.get().getMessage();
    }

    /** The id of the first download session (ds=1's: ds=2's is created after its splits). */
    private static String ds1SessionId() {
        return ds1Session(tables);
    }

    private static String ds1Session(EmulatorTables t) {
        List<LoggedRequest> withSession =
                t.emulator.requestLog().entries(r -> r.params().containsKey("downloadid"));
        return withSession.get(0).params().get("downloadid");
    }

    private static long sessionsCreated() {
        return tables.emulator
                .stats(TableIdentifier.of(EmulatorTables.PROJECT, "t"))
                .downloadSessionsCreated();
    }

    enum Invalidation {
        /** Commits 50 more rows to ds=1: later downloads of the session get TableModified. */
        APPEND,
        /** Ends the session's lifetime: later requests on it get NoSuchDownload (expired). */
        EXPIRE
    }

    /** Chained to the source: invalidates ds=1's session once the given row passed. */
    static final class InvalidateOnRow implements MapFunction<String, String> {
        static final AtomicBoolean DONE = new AtomicBoolean();

        private final String trigger;
        private final Invalidation invalidation;

        InvalidateOnRow(String trigger, Invalidation invalidation) {
            this.trigger = trigger;
            this.invalidation = invalidation;
        }

        static List<String> appended() {
            List<String> rows = new ArrayList<>();
            for (long id = 300; id < 350; id++) {
                rows.add(EmulatorTables.line("1", id, "name-" + id));
            }
            return rows;
        }

        @Override
        public String map(String value) throws Exception {
            if (value.equals(trigger) && DONE.compareAndSet(false, true)) {
                EmulatorTables t = tables;
                switch (invalidation) {
                    case APPEND -> assertThat(t.write("t", "ds=1", 300, 50)).isEqualTo(appended());
                    case EXPIRE -> t.emulator.tunnelService().expireSession(ds1Session(t));
                }
            }
            return value;
        }
    }
}
