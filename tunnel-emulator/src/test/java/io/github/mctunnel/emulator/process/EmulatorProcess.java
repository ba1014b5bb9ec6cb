package io.github.mctunnel.emulator.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged {@code target/tunnel-emulator.jar} running as a separate JVM process. */
final class EmulatorProcess implements AutoCloseable {

    /** Exit status of a process killed with SIGKILL (128 + 9). */
    static final int SIGKILL_EXIT = 137;

    private final Process process;
    private final String odpsEndpoint;
    private final List<String> output;

    private EmulatorProcess(Process process, String odpsEndpoint, List<String> output) {
        this.process = process;
        this.odpsEndpoint = odpsEndpoint;
        this.output = output;
    }

    /** What a process that ran to its end printed. */
    record Finished(int exitCode, String stdout, String stderr) {}

    private static List<String> command(List<String> args) {
        Path jar = Path.of("target", "tunnel-emulator.jar");
        assertThat(jar).as("the packaged emulator jar (mvn package)").exists();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        return cmd;
    }

    /** Starts the jar and waits for its ready line. */
    static EmulatorProcess start(List<String> args) throws IOException {
        Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
        BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            int at = line.indexOf("endpoint=");
            if (at >= 0) {
                String endpoint = line.substring(at + "endpoint=".length()).split(" ")[0];
                List<String> tail = Collections.synchronizedList(lines);
                Thread drainer =
                        new Thread(() -> out.lines().forEach(tail::add), "emulator-output");
                drainer.setDaemon(true);
                drainer.start();
                return new EmulatorProcess(p, endpoint, tail);
            }
        }
        throw new AssertionError("the emulator exited without printing its endpoint: " + lines);
    }

    /** Runs the jar to its end (e.g. {@code --help} or bad flags). */
    static Finished run(List<String> args) throws Exception {
        Process p = new ProcessBuilder(command(args)).start();
        Path err = Files.createTempFile("emulator-stderr", ".txt");
        try {
            Thread errDrainer = drain(p.getErrorStream(), err);
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("process ended").isTrue();
            errDrainer.join();
            return new Finished(p.exitValue(), stdout, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static Thread drain(InputStream in, Path to) {
        Thread t =
                new Thread(
                        () -> {
                            try (in) {
                                Files.write(to, in.readAllBytes());
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        },
                        "emulator-stderr");
        t.start();
        return t;
    }

    /** {@code http://host:port/api}. */
    String odpsEndpoint() {
        return odpsEndpoint;
    }

    /** {@code http://host:port}. */
    String tunnelEndpoint() {
        return odpsEndpoint.substring(0, odpsEndpoint.length() - "/api".length());
    }

    List<String> output() {
        synchronized (output) {
            return new ArrayList<>(output);
        }
    }

    /**
     * Kills the JVM with {@link Process#destroyForcibly()} (SIGKILL on Linux: no shutdown hook
     * runs) and returns its exit status.
     */
    int kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed process ended").isTrue();
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
