package io.github.mctunnel.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started as a separate process, its stdout and stderr written to a log file. {@link #kill()}
 * is {@code kill -9}.
 */
final class JvmProcess implements AutoCloseable {

    private final String name;
    private final Path log;
    private final Process process;

    private JvmProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts {@code java <jvmArgs> <mainArgs>} with the JVM of this test, appending its output to
     * {@code log}.
     */
    static JvmProcess start(
            String name, List<String> jvmArgs, Map<String, String> environment, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Files.createDirectories(log.getParent());
        Files.writeString(
                log,
                "=== " + name + ": " + String.join(" ", command) + System.lineSeparator(),
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        return new JvmProcess(name, log, builder.start());
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** {@code kill -9}, and waits until the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not die after kill -9");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Freezes ({@code kill -STOP}) or thaws ({@code kill -CONT}) the process: while frozen it holds
     * its connections and state but answers nothing, as a service in an outage.
     */
    void signal(boolean freeze) throws IOException, InterruptedException {
        Process kill =
                new ProcessBuilder(
                                "kill", freeze ? "-STOP" : "-CONT", String.valueOf(process.pid()))
                        .inheritIO()
                        .start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill " + (freeze ? "-STOP " : "-CONT ") + this + " failed");
        }
    }

    /** The last {@code lines} lines of the log. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(
                    System.lineSeparator(),
                    all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the process (SIGTERM, then kill -9 after 10 s). */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + log + ")";
    }
}
