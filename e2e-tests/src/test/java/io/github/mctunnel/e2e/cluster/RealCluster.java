package io.github.mctunnel.e2e.cluster;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * One emulator process and one Flink session cluster (JobManager, two TaskManagers, SQL jar in
 * {@code lib/}) shared by every test class that uses this extension, started on first use and
 * killed when the test run ends (also when it fails). Test methods take a {@code RealCluster}
 * parameter. A failing test prints the tail of every process's log. {@code -DskipE2E} skips the
 * tests.
 */
final class RealCluster
        implements ExtensionContext.Store.CloseableResource,
                BeforeAllCallback,
                ParameterResolver,
                TestExecutionExceptionHandler {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RealCluster.class);

    private final EmulatorProcess emulator;
    private final FlinkCluster flink;
    private final OrdersTables tables;
    private final Path jobJar;

    /** For {@code @ExtendWith}. */
    RealCluster() {
        this.emulator = null;
        this.flink = null;
        this.tables = null;
        this.jobJar = null;
    }

    private RealCluster(
            EmulatorProcess emulator, FlinkCluster flink, OrdersTables tables, Path jobJar) {
        this.emulator = emulator;
        this.flink = flink;
        this.tables = tables;
        this.jobJar = jobJar;
    }

    EmulatorProcess emulator() {
        return emulator;
    }

    FlinkCluster flink() {
        return flink;
    }

    OrdersTables tables() {
        return tables;
    }

    /** The example jobs' fat jar, as a user builds it (target/e2e-tests-*-job.jar). */
    Path jobJar() {
        return jobJar;
    }

    /** The tails of the emulator's and the cluster's logs. */
    String logTails(int lines) {
        return "----- last "
                + lines
                + " lines of "
                + emulator.process()
                + System.lineSeparator()
                + emulator.process().tail(lines)
                + System.lineSeparator()
                + flink.logTails(lines);
    }

    /** The program arguments the example jobs take to reach the emulator. */
    List<String> connectionArgs() {
        return List.of(
                "--endpoint",
                emulator.endpoint(),
                "--project",
                EmulatorProcess.PROJECT,
                "--access-id",
                EmulatorProcess.ACCESS_ID,
                "--access-key-secret",
                EmulatorProcess.ACCESS_KEY);
    }

    @Override
    public void close() throws IOException {
        try {
            flink.close();
        } finally {
            emulator.close();
            tables.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        assumeFalse(Boolean.getBoolean("skipE2E"), "-DskipE2E: real-cluster tests skipped");
        shared(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RealCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return shared(context);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        RealCluster cluster =
                context.getRoot().getStore(NAMESPACE).get(RealCluster.class, RealCluster.class);
        if (cluster != null) {
            System.err.println(context.getDisplayName() + " failed; the processes' logs end with:");
            System.err.println(cluster.logTails(60));
        }
        throw failure;
    }

    private static RealCluster shared(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(RealCluster.class, k -> startUnchecked(), RealCluster.class);
    }

    private static RealCluster startUnchecked() {
        try {
            return start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static RealCluster start() throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("e2e.clusterDir"));
        Path workDir = dir.resolve("run-" + System.currentTimeMillis());
        EmulatorProcess emulator =
                EmulatorProcess.start(dir.resolve("tunnel-emulator.jar"), workDir);
        FlinkCluster flink;
        try {
            flink =
                    FlinkCluster.start(
                            workDir,
                            dir.resolve("flink-" + System.getProperty("e2e.flinkVersion") + "-lib"),
                            List.of(dir.resolve("flink-sql-tunnel.jar")),
                            2);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            emulator.close();
            throw e;
        }
        String version = flink.rest().get("/config").path("flink-version").asText();
        if (!version.equals(System.getProperty("e2e.flinkVersion"))) {
            flink.close();
            emulator.close();
            throw new IllegalStateException(
                    "the cluster runs Flink "
                            + version
                            + ", not "
                            + System.getProperty("e2e.flinkVersion"));
        }
        RealCluster cluster =
                new RealCluster(
                        emulator,
                        flink,
                        new OrdersTables(emulator.endpoint()),
                        Path.of(System.getProperty("e2e.jobJar")));
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    flink.close();
                                    emulator.close();
                                }));
        return cluster;
    }
}
