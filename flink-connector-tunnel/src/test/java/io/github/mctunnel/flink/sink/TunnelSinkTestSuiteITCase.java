package io.github.mctunnel.flink.sink;

import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.apache.flink.connector.testframe.TestResource;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestExternalSystem;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SinkTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;

import org.junit.jupiter.api.AfterEach;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flink's sink test suite (basic sink, restart from a savepoint at the same, a higher and a lower
 * parallelism, metrics) against the Tunnel emulator, for both guarantees: {@code EXACTLY_ONCE} runs
 * {@link TunnelExactlyOnceSink} and checks the table holds exactly the input rows, {@code
 * AT_LEAST_ONCE} runs {@link TunnelSink} and checks it holds all of them (see {@link
 * SinkSuiteContext}).
 */
class TunnelSinkTestSuiteITCase extends SinkTestSuiteBase<String> {

    @TestEnv MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestExternalSystem EmulatorResource emulator = new EmulatorResource();

    @TestContext
    ExternalContextFactory<SinkSuiteContext> contexts =
            testName -> new SinkSuiteContext(emulator.emulator);

    @TestSemantics
    CheckpointingMode[] semantics =
            new CheckpointingMode[] {
                CheckpointingMode.EXACTLY_ONCE, CheckpointingMode.AT_LEAST_ONCE
            };

    @AfterEach
    void noRequestBrokeTheRetryPolicy() {
        assertThat(emulator.emulator.attackRequests()).isEmpty();
    }

    /** The emulator, started once for the suite, with the rate budgets of the suite's sinks. */
    static final class EmulatorResource implements TestResource {
        TunnelEmulator emulator;

        @Override
        public void startUp() throws Exception {
            emulator =
                    TunnelEmulator.builder()
                            .credentials("ak", "sk")
                            .limits(
                                    EmulatorLimits.builder()
                                            .uploadSessionRate(
                                                    SinkSuiteContext.SUITE_LIMITS
                                                            .sessionsPer5Minutes(),
                                                    Duration.ofMinutes(5))
                                            .blockRate(
                                                    SinkSuiteContext.SUITE_LIMITS
                                                            .blocksPer5Minutes(),
                                                    Duration.ofMinutes(5))
                                            .commitRate(
                                                    SinkSuiteContext.SUITE_LIMITS
                                                            .commitsPer15Seconds(),
                                                    Duration.ofSeconds(15))
                                            .build())
                            .build()
                            .start();
        }

        @Override
        public void tearDown() {
            if (emulator != null) {
                emulator.close();
            }
        }
    }
}
