package io.github.mctunnel.emulator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator as a process: {@code java -jar tunnel-emulator.jar --port 8080 --project p1
 * --access-id ID --access-key KEY [--data-dir DIR] [--host 127.0.0.1] [--sql FILE]}. Prints one
 * line containing {@code endpoint=http://HOST:PORT/api} when ready.
 */
public final class EmulatorMain {

    static final String USAGE =
            String.join(
                    "\n",
                    "Usage: java -jar tunnel-emulator.jar [options]",
                    "",
                    "A local MaxCompute (ODPS) meta + Tunnel service on one port.",
                    "",
                    "Options:",
                    "  --port N          port to listen on; 0 picks a free port (default 8080)",
                    "  --host ADDR       address to bind and advertise (default 127.0.0.1)",
                    "  --project NAME    a project to serve; repeatable; the first is the default"
                            + " (default "
                            + TunnelEmulator.DEFAULT_PROJECT
                            + ")",
                    "  --access-id ID    access key id to accept (with --access-key); repeatable pairs;",
                    "                    without any, unsigned requests are accepted",
                    "  --access-key KEY  access key secret of the preceding --access-id",
                    "  --data-dir DIR    persist committed data and tables here (survives restarts and"
                            + " kill -9);",
                    "                    in memory when absent",
                    "  --sql FILE        run the DDL statements in FILE (in the default project) at start",
                    "  --isolate-attackers  refuse clients that retry sooner than the retry policy allows",
                    "  --help            show this help",
                    "",
                    "When ready, prints: tunnel-emulator started endpoint=http://HOST:PORT/api"
                            + " tunnel=http://HOST:PORT");

    private EmulatorMain() {}

    public static void main(String[] args) throws Exception {
        TunnelEmulator emulator;
        try {
            emulator = configure(args, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage());
            System.err.println("Run with --help for usage.");
            System.exit(2);
            return;
        }
        if (emulator == null) {
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    emulator.close();
                                    stopped.countDown();
                                },
                                "tunnel-emulator-shutdown"));
        stopped.await();
    }

    /** Parses the arguments, starts the emulator and prints the ready line; null after --help. */
    static TunnelEmulator configure(String[] args, PrintStream out) throws IOException {
        TunnelEmulator.Builder b = TunnelEmulator.builder().port(8080);
        String pendingId = null;
        Path sqlFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> {
                    out.println(USAGE);
                    return null;
                }
                case "--port" -> b.port(parsePort(value(args, ++i, a)));
                case "--host" -> b.host(value(args, ++i, a));
                case "--project" -> b.project(value(args, ++i, a));
                case "--access-id" -> {
                    if (pendingId != null) {
                        throw new IllegalArgumentException(
                                "--access-id " + pendingId + " has no --access-key");
                    }
                    pendingId = value(args, ++i, a);
                }
                case "--access-key" -> {
                    if (pendingId == null) {
                        throw new IllegalArgumentException("--access-key must follow --access-id");
                    }
                    b.credentials(pendingId, value(args, ++i, a));
                    pendingId = null;
                }
                case "--data-dir" -> b.dataDir(Path.of(value(args, ++i, a)));
                case "--sql" -> sqlFile = Path.of(value(args, ++i, a));
                case "--isolate-attackers" -> b.isolateAttackers(true);
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (pendingId != null) {
            throw new IllegalArgumentException("--access-id " + pendingId + " has no --access-key");
        }
        String sql = sqlFile == null ? null : Files.readString(sqlFile, StandardCharsets.UTF_8);
        TunnelEmulator emulator = b.build().start();
        if (sql != null) {
            try {
                emulator.executeSql(sql);
            } catch (RuntimeException e) {
                emulator.close();
                throw new IllegalArgumentException(
                        "--sql " + sqlFile + " failed: " + e.getMessage());
            }
        }
        out.println(
                "tunnel-emulator started endpoint="
                        + emulator.odpsEndpoint()
                        + " tunnel="
                        + emulator.tunnelEndpoint()
                        + " projects="
                        + emulator.catalog().projects());
        out.flush();
        return emulator;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int parsePort(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port needs a number, got '" + s + "'");
        }
    }
}
