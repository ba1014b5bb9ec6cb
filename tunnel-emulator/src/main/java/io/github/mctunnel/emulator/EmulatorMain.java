package io.github.mctunnel.emulator;

import io.github.mctunnel.emulator.fault.FaultFlags;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator as a process: {@code java -jar tunnel-emulator.jar --port 8080 --project p1
 * --access-id ID --access-key KEY [--data-dir DIR] [--host 127.0.0.1] [--sql FILE]} plus session
 * lifetime and fault-injection flags ({@link FaultFlags}). Prints one line containing {@code
 * endpoint=http://HOST:PORT/api} when ready.
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
                    "  --session-lifetime D  lifetime of every tunnel session, e.g. 30s, 10m"
                            + " (default 24h);",
                    "                    a short one makes sessions expire early",
                    "",
                    "Fault injection (repeatable; rules apply in the order given):",
                    "  --fail SPEC       '" + FaultFlags.FAIL_FORM + "'",
                    "                    answer the next COUNT matching requests (or each with the"
                            + " given",
                    "                    probability) with this status and error code",
                    "  --reset SPEC      '" + FaultFlags.AFTER_BYTES_FORM + "'",
                    "                    reset the connection after reading BYTES of the request body",
                    "  --drop-response SPEC  '" + FaultFlags.AFTER_BYTES_FORM + "'",
                    "                    cut the response after BYTES of its body",
                    "  --delay SPEC      '" + FaultFlags.DELAY_FORM + "'",
                    "                    answer after DURATION (e.g. 500ms, 2s)",
                    "  --fault-seed N    seed of the generator of p= rules, so failures replay"
                            + " (default 0)",
                    "  METHOD is GET, PUT, POST, DELETE, HEAD or *; PATH is a substring of the"
                            + " request path",
                    "  (meta paths start with /api) or *; ?param also requires that query"
                            + " parameter. Example:",
                    "    --fail 'PUT /tables/t?blockid x2 503 ServiceUnavailable retry-after=1'",
                    "",
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
        Duration sessionLifetime = null;
        FaultFlags faults = new FaultFlags();
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
                case "--session-lifetime" -> sessionLifetime = duration(value(args, ++i, a), a);
                case "--fail" -> faults.fail(value(args, ++i, a));
                case "--reset" -> faults.reset(value(args, ++i, a));
                case "--drop-response" -> faults.dropResponse(value(args, ++i, a));
                case "--delay" -> faults.delay(value(args, ++i, a));
                case "--fault-seed" -> faults.seed(value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (pendingId != null) {
            throw new IllegalArgumentException("--access-id " + pendingId + " has no --access-key");
        }
        b.faultPlan(faults.toPlan());
        if (sessionLifetime != null) {
            b.limits(
                    EmulatorLimits.defaults().toBuilder().sessionLifetime(sessionLifetime).build());
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

    private static Duration duration(String s, String option) {
        try {
            return FaultFlags.duration(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    private static int parsePort(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port needs a number, got '" + s + "'");
        }
    }
}
