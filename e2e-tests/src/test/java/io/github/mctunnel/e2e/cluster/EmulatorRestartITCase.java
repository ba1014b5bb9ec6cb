package io.github.mctunnel.e2e.cluster;

import io.github.mctunnel.e2e.job.Order;
import io.github.mctunnel.e2e.job.WriteOrdersJob;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service goes away mid-job: the emulator process is killed ({@code kill -9}) while the
 * exactly-once job writes, and started again on the same port and data directory. The job rides it
 * out through its retries; what was committed before the kill is still there, and the table ends
 * with every row exactly once.
 */
@ExtendWith(RealCluster.class)
class EmulatorRestartITCase {

    private static final long ROWS = 8_000;

    @Test
    void exactlyOnceJobRidesOutAnEmulatorKillAndRestart(RealCluster cluster) throws Exception {
        String table = "orders_emulator_restart";
        cluster.tables().create(table);
        FlinkRestClient rest = cluster.flink().rest();
        List<String> args = new ArrayList<>(cluster.connectionArgs());
        args.addAll(
                List.of(
                        "--table",
                        table,
                        "--rows",
                        String.valueOf(ROWS),
                        "--rows-per-second",
                        "400",
                        "--checkpoint-interval-ms",
                        "3000"));
        String job =
                rest.runJar(
                        rest.uploadJar(cluster.jobJar()), WriteOrdersJob.class.getName(), args, 2);

        List<Order> committedBeforeKill = new ArrayList<>();
        Poll.until(
                "rows committed by " + job,
                Duration.ofMinutes(3),
                () -> {
                    committedBeforeKill.clear();
                    committedBeforeKill.addAll(cluster.tables().read(table));
                    return !committedBeforeKill.isEmpty();
                },
                () -> cluster.logTails(40));
        assertThat(rest.jobState(job)).isEqualTo("RUNNING");
        long killedAt = System.currentTimeMillis();
        cluster.emulator().kill();
        // the outage lasts until the job is held up by it: a checkpoint triggered after the kill
        // cannot complete (its writers' blocks do not reach the service) or failed
        Poll.until(
                "a checkpoint of " + job + " held up by the outage",
                Duration.ofMinutes(2),
                () -> {
                    for (var c : rest.get("/jobs/" + job + "/checkpoints").path("history")) {
                        if (c.path("trigger_timestamp").asLong() > killedAt
                                && !"COMPLETED".equals(c.path("status").asText())) {
                            return true;
                        }
                    }
                    return false;
                },
                () -> cluster.logTails(40));
        cluster.emulator().restart();

        assertThat(cluster.tables().read(table))
                .as("committed before the kill")
                .containsAll(committedBeforeKill);
        DataStreamJobJarITCase.assertFinished(cluster, job);
        cluster.tables().assertHoldsExactlyOnce(table, ROWS);
    }
}
