package io.github.mctunnel.e2e.cluster;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The chaos soak ({@link SoakDriver}) with a fixed seed, 3 minutes by default ({@code
 * -Dsoak.minutes}, {@code -Dsoak.seed}, {@code -Dsoak.csv}; e2e-tests/soak.sh runs it longer): on
 * its own cluster with ZooKeeper high availability, the JobManager leader, TaskManagers (one, and
 * two at once) and the emulator are killed while three jobs write, with bursts of 503, 429 and
 * connection resets; the exactly-once and upsert tables end exact, the at-least-once table with no
 * row missing, and the connector sent no retry sooner than the service's policy allows.
 */
class SoakITCase {

    @Test
    void tablesStayExactThroughJobManagerTaskManagerAndServiceFailures() throws Exception {
        assumeFalse(Boolean.getBoolean("skipE2E"), "-DskipE2E: real-cluster tests skipped");
        double minutes = Double.parseDouble(System.getProperty("soak.minutes", "3"));
        long seed = Long.parseLong(System.getProperty("soak.seed", "42"));
        Path csv = Path.of(System.getProperty("soak.csv", "target/soak.csv"));
        SoakDriver.Result result =
                SoakDriver.fromSystemProperties(
                                minutes, seed, Boolean.getBoolean("soak.emulatorKills"))
                        .run(csv);
        assertThat(result.passed()).as(result.table()).isTrue();
        assertThat(result.figures().get("attack_requests")).as(result.table()).isEqualTo("0");
        assertThat(Integer.parseInt(result.figures().get("jobmanager_kills"))).isPositive();
        assertThat(Integer.parseInt(result.figures().get("taskmanager_kills"))).isGreaterThan(2);
    }
}
