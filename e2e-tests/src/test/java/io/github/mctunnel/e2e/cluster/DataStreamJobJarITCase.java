package io.github.mctunnel.e2e.cluster;

import io.github.mctunnel.e2e.job.CopyOrdersJob;
import io.github.mctunnel.e2e.job.WriteOrdersJob;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's fat job jar on a real session cluster, deployed through the REST API: the exactly-once
 * job survives the {@code kill -9} of a TaskManager running its tasks (a new TaskManager joins),
 * and a bounded source job reads every row back.
 */
@ExtendWith(RealCluster.class)
class DataStreamJobJarITCase {

    private static final long ROWS = 10_000;
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);

    @Test
    void exactlyOnceJobSurvivesTaskManagerKillAndSourceReadsEveryRowBack(RealCluster cluster)
            throws Exception {
        String table = "orders_tm_kill";
        String copy = "orders_tm_kill_copy";
        cluster.tables().create(table);
        cluster.tables().create(copy);
        FlinkRestClient rest = cluster.flink().rest();
        String jar = rest.uploadJar(cluster.jobJar());

        List<String> writeArgs = new ArrayList<>(cluster.connectionArgs());
        writeArgs.addAll(
                List.of(
                        "--table",
                        table,
                        "--rows",
                        String.valueOf(ROWS),
                        "--rows-per-second",
                        "400",
                        "--checkpoint-interval-ms",
                        "3000"));
        String write = rest.runJar(jar, WriteOrdersJob.class.getName(), writeArgs, 2);

        Poll.until(
                "a completed checkpoint of " + write,
                JOB_TIMEOUT,
                () -> rest.completedCheckpoints(write) >= 1,
                () -> cluster.logTails(40));
        Set<String> running = rest.taskManagersOf(write);
        assertThat(running).isNotEmpty();
        assertThat(rest.jobState(write)).isEqualTo("RUNNING");
        String victim = running.iterator().next();
        cluster.flink().killTaskManager(victim);
        cluster.flink().startTaskManager();

        assertFinished(cluster, write);
        assertThat(rest.exceptions(write).path("exceptionHistory").path("entries"))
                .as("the failover after %s was killed", victim)
                .isNotEmpty();
        cluster.tables().assertHoldsExactlyOnce(table, ROWS);
        cluster.flink().awaitTaskManagers(2);

        List<String> copyArgs = new ArrayList<>(cluster.connectionArgs());
        copyArgs.addAll(
                List.of(
                        "--table", table,
                        "--target-table", copy,
                        "--checkpoint-interval-ms", "3000"));
        String read = rest.runJar(jar, CopyOrdersJob.class.getName(), copyArgs, 2);
        assertFinished(cluster, read);
        cluster.tables().assertHoldsExactlyOnce(copy, ROWS);
    }

    static void assertFinished(RealCluster cluster, String jobId) throws Exception {
        FlinkRestClient rest = cluster.flink().rest();
        String state = rest.awaitTermination(jobId, JOB_TIMEOUT, () -> cluster.logTails(40));
        assertThat(state).as("job %s: %s", jobId, rest.exceptions(jobId)).isEqualTo("FINISHED");
    }
}
