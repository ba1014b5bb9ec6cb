package io.github.mctunnel.flink.source;

import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.apache.flink.connector.testframe.TestResource;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestExternalSystem;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SourceTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * Flink's source test suite (single split, multiple splits, idle reader, savepoint, scale up and
 * down, metrics, TaskManager failure; bounded and continuous) against the Tunnel emulator.
 */
class TunnelSourceTestSuiteITCase extends SourceTestSuiteBase<String> {

    @TestEnv MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestExternalSystem EmulatorResource emulator = new EmulatorResource();

    @TestContext
    ExternalContextFactory<PartitionPerWriteContext> contexts =
            testName -> new PartitionPerWriteContext(emulator.tables);

    @TestSemantics
    CheckpointingMode[] semantics =
            new CheckpointingMode[] {
                CheckpointingMode.EXACTLY_ONCE, CheckpointingMode.AT_LEAST_ONCE
            };

    /** The emulator, started once for the suite. */
    static final class EmulatorResource implements TestResource {
        EmulatorTables tables;

        @Override
        public void startUp() throws Exception {
            tables = new EmulatorTables(EmulatorLimits.defaults());
        }

        @Override
        public void tearDown() throws Exception {
            if (tables != null) {
                tables.close();
            }
        }
    }
}
