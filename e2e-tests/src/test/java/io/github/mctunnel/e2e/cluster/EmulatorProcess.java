package io.github.mctunnel.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Tunnel emulator as its own process ({@code java -jar tunnel-emulator.jar}) on a fixed
 * loopback port with a data directory, so that it can be killed and started again where it was,
 * with everything committed before the kill.
 */
final class EmulatorProcess implements AutoCloseable {

    static final String PROJECT = "e2e";
    static final String ACCESS_ID = "e2e-access-id";
    static final String ACCESS_KEY = "e2e-access-key-secret";

    private final Path workDir;
    private final int port;
    private final List<String> jvmArgs;
    private JvmProcess process;
    private int starts;

    private EmulatorProcess(Path workDir, int port, List<String> jvmArgs) {
        this.workDir = workDir;
        this.port = port;
        this.jvmArgs = jvmArgs;
    }

    static EmulatorProcess start(Path jar, Path workDir) throws IOException, InterruptedException {
        int port = freePort();
        EmulatorProcess emulator =
                new EmulatorProcess(
                        workDir,
                        port,
                        List.of(
                                "-Xmx256m",
                                "-jar",
                                jar.toString(),
                                "--port",
                                String.valueOf(port),
                                "--project",
                                PROJECT,
                                "--access-id",
                                ACCESS_ID,
                                "--access-key-secret",
                                ACCESS_KEY,
                                "--data-dir",
                                workDir.resolve("emulator-data").toString()));
        emulator.startProcess();
        return emulator;
    }

    /**
     * The chaos soak's emulator ({@link SoakEmulator}): the same data directory and port across
     * restarts, its clock {@code clockSpeed} times as fast as real time, faults and statistics
     * through {@link #controlDir()}.
     */
    static EmulatorProcess startForSoak(
            Path jar,
            Path testClasses,
            Path workDir,
            double clockSpeed,
            long seed,
            List<String> tables)
            throws IOException, InterruptedException {
        int port = freePort();
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "-Xmx384m",
                                "-cp",
                                jar + java.io.File.pathSeparator + testClasses,
                                SoakEmulator.class.getName(),
                                String.valueOf(port),
                                workDir.resolve("emulator-data").toString(),
                                workDir.resolve("emulator-control").toString(),
                                String.valueOf(clockSpeed),
                                String.valueOf(seed)));
        args.addAll(tables);
        EmulatorProcess emulator = new EmulatorProcess(workDir, port, List.copyOf(args));
        emulator.startProcess();
        return emulator;
    }

    /** Where {@link SoakEmulator} takes fault commands and writes {@code stats.txt}. */
    Path controlDir() {
        return workDir.resolve("emulator-control");
    }

    /** The admin endpoint's base ({@code http://127.0.0.1:PORT}). */
    String adminBase() {
        return "http://127.0.0.1:" + port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port + "/api";
    }

    /** {@code kill -9}. */
    void kill() {
        process.kill();
    }

    /** Starts the emulator again on the same port and data directory. */
    void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("the emulator is still running");
        }
        startProcess();
    }

    JvmProcess process() {
        return process;
    }

    @Override
    public void close() {
        if (process != null) {
            process.kill();
        }
    }

    private void startProcess() throws IOException, InterruptedException {
        Path log = workDir.resolve("logs").resolve("emulator.log");
        Files.createDirectories(workDir.resolve("emulator-data"));
        starts++;
        process = JvmProcess.start("emulator-" + starts, jvmArgs, Map.of(), log);
        int start = starts;
        Poll.until(
                "the emulator to start (start " + start + ")",
                Duration.ofSeconds(60),
                () -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the emulator exited");
                    }
                    return countReadyLines(log) >= start;
                },
                () -> process.tail(40));
    }

    private static long countReadyLines(Path log) {
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains("tunnel-emulator started endpoint=")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
