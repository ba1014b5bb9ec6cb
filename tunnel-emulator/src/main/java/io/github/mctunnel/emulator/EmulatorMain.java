package io.github.mctunnel.emulator;

import io.github.mctunnel.emulator.fault.FaultFlags;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;

/**
 * Runs the emulator as a process: {@code java -jar tunnel-emulator.jar --port 8080 --project p1
 * --access-id ID --access-key-secret KEY [--data-dir DIR] [--host 127.0.0.1] [--sql FILE]} plus
 * session lifetime, service-limit ({@link EmulatorLimits}), simulated-time and fault-injection
 * flags ({@link FaultFlags}). Prints one line containing {@code endpoint=http://HOST:PORT/api} when
 * ready.
 */
public final class EmulatorMain {

    /** A flag setting one value of {@link EmulatorLimits}. */
    private record LimitFlag(
            String name,
            String arg,
            String help,
            BiConsumer<EmulatorLimits.Builder, String> setter) {}

    private static final EmulatorLimits DEFAULTS = EmulatorLimits.defaults();

    /** Every limit flag but --session-lifetime (listed apart, it came first), in --help order. */
    private static final Map<String, LimitFlag> LIMIT_FLAGS = limitFlags();

    private static Map<String, LimitFlag> limitFlags() {
        List<LimitFlag> flags =
                List.of(
                        new LimitFlag(
                                "--max-blocks-per-session",
                                "N",
                                "blocks one UploadSession may hold (default "
                                        + DEFAULTS.maxBlocksPerSession()
                                        + ")",
                                (b, v) -> b.maxBlocksPerSession(positiveInt(v))),
                        new LimitFlag(
                                "--max-block-id",
                                "N",
                                "block ids must be below N (default " + DEFAULTS.maxBlockId() + ")",
                                (b, v) -> b.maxBlockId(positiveInt(v))),
                        new LimitFlag(
                                "--upload-sessions-per-window",
                                "N",
                                "UploadSessions created per table per --upload-session-window"
                                        + " (default "
                                        + DEFAULTS.uploadSessionsPerWindow()
                                        + ")",
                                (b, v) -> b.uploadSessionsPerWindow(positiveInt(v))),
                        new LimitFlag(
                                "--upload-session-window",
                                "D",
                                "window of the --upload-sessions-per-window limit (default "
                                        + human(DEFAULTS.uploadSessionWindow())
                                        + ")",
                                (b, v) -> b.uploadSessionWindow(positiveDuration(v))),
                        new LimitFlag(
                                "--blocks-per-window",
                                "N",
                                "blocks written per table per --block-window (default "
                                        + DEFAULTS.blocksPerWindow()
                                        + ")",
                                (b, v) -> b.blocksPerWindow(positiveInt(v))),
                        new LimitFlag(
                                "--block-window",
                                "D",
                                "window of the --blocks-per-window limit (default "
                                        + human(DEFAULTS.blockWindow())
                                        + ")",
                                (b, v) -> b.blockWindow(positiveDuration(v))),
                        new LimitFlag(
                                "--max-concurrent-upload-sessions",
                                "N",
                                "open UploadSessions per table (default "
                                        + DEFAULTS.maxConcurrentUploadSessions()
                                        + ")",
                                (b, v) -> b.maxConcurrentUploadSessions(positiveInt(v))),
                        new LimitFlag(
                                "--commits-per-window",
                                "N",
                                "upload commits per table per --commit-window (default "
                                        + DEFAULTS.commitsPerWindow()
                                        + ")",
                                (b, v) -> b.commitsPerWindow(positiveInt(v))),
                        new LimitFlag(
                                "--commit-window",
                                "D",
                                "window of the --commits-per-window limit (default "
                                        + human(DEFAULTS.commitWindow())
                                        + ")",
                                (b, v) -> b.commitWindow(positiveDuration(v))),
                        new LimitFlag(
                                "--upsert-commit-interval",
                                "D",
                                "least time between two upsert commits on one partition; 0 for"
                                        + " none (default "
                                        + human(DEFAULTS.upsertCommitInterval())
                                        + ")",
                                (b, v) ->
                                        b.upsertCommitInterval(
                                                v.trim().equals("0")
                                                        ? Duration.ZERO
                                                        : positiveDuration(v))),
                        new LimitFlag(
                                "--download-sessions-per-window",
                                "N",
                                "DownloadSessions created per table per --download-session-window"
                                        + " (default "
                                        + DEFAULTS.downloadSessionsPerWindow()
                                        + ")",
                                (b, v) -> b.downloadSessionsPerWindow(positiveInt(v))),
                        new LimitFlag(
                                "--download-session-window",
                                "D",
                                "window of the --download-sessions-per-window limit (default "
                                        + human(DEFAULTS.downloadSessionWindow())
                                        + ")",
                                (b, v) -> b.downloadSessionWindow(positiveDuration(v))),
                        new LimitFlag(
                                "--max-stream-partitions",
                                "N",
                                "partitions of one table with live stream sessions (default "
                                        + DEFAULTS.maxStreamPartitionsPerTable()
                                        + ")",
                                (b, v) -> b.maxStreamPartitionsPerTable(positiveInt(v))),
                        new LimitFlag(
                                "--max-slots-per-partition",
                                "N",
                                "stream slots on one partition (default "
                                        + DEFAULTS.maxSlotsPerPartition()
                                        + ")",
                                (b, v) -> b.maxSlotsPerPartition(positiveInt(v))),
                        new LimitFlag(
                                "--stream-slot-idle-timeout",
                                "D",
                                "a stream session frees a partition's slots after D unused (default "
                                        + human(DEFAULTS.streamSlotIdleTimeout())
                                        + ")",
                                (b, v) -> b.streamSlotIdleTimeout(positiveDuration(v))),
                        new LimitFlag(
                                "--max-field-size",
                                "BYTES",
                                "largest STRING/BINARY/JSON value (default "
                                        + DEFAULTS.maxFieldSize()
                                        + ")",
                                (b, v) -> b.maxFieldSize(positiveInt(v))),
                        new LimitFlag(
                                "--idle-connection-timeout",
                                "D",
                                "close connections without inbound traffic for D (default "
                                        + human(DEFAULTS.idleConnectionTimeout())
                                        + ")",
                                (b, v) -> b.idleConnectionTimeout(positiveDuration(v))),
                        new LimitFlag(
                                "--reader-lifetime",
                                "D",
                                "longest one download request may stream (default "
                                        + human(DEFAULTS.readerLifetime())
                                        + ")",
                                (b, v) -> b.readerLifetime(positiveDuration(v))),
                        new LimitFlag(
                                "--bandwidth",
                                "BYTES_PER_SECOND",
                                "bytes/s cap per data request; 0 for none (default 0; the service's: "
                                        + EmulatorLimits.SERVICE_BANDWIDTH_BYTES_PER_SECOND
                                        + ")",
                                (b, v) -> b.bandwidthBytesPerSecond(nonNegativeLong(v))),
                        new LimitFlag(
                                "--max-request-bytes",
                                "BYTES",
                                "largest request body as sent, 413 beyond (default "
                                        + DEFAULTS.maxRequestBytes()
                                        + ")",
                                (b, v) -> b.maxRequestBytes(positiveLong(v))),
                        new LimitFlag(
                                "--max-decompressed-bytes",
                                "BYTES",
                                "largest decompressed record stream of a request, 413 beyond"
                                        + " (default "
                                        + DEFAULTS.maxDecompressedBytes()
                                        + ")",
                                (b, v) -> b.maxDecompressedBytes(positiveLong(v))),
                        new LimitFlag(
                                "--max-clock-skew",
                                "D",
                                "signed Date vs real time, 403 beyond; 0 = off (default 15m)",
                                (b, v) ->
                                        b.maxClockSkew(
                                                v.equals("0")
                                                        ? Duration.ZERO
                                                        : positiveDuration(v))));
        Map<String, LimitFlag> byName = new LinkedHashMap<>();
        for (LimitFlag f : flags) {
            byName.put(f.name(), f);
        }
        return byName;
    }

    private static String limitFlagsHelp() {
        List<String> lines = new ArrayList<>();
        for (LimitFlag f : LIMIT_FLAGS.values()) {
            String head = "  " + f.name() + " " + f.arg();
            lines.add(head.length() < 20 ? String.format("%-20s%s", head, f.help()) : head);
            if (head.length() >= 20) {
                lines.add("                    " + f.help());
            }
        }
        return String.join("\n", lines);
    }

    /** {@code 5m}, {@code 15s}, {@code 24h}: the form the duration flags take. */
    static String human(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

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
                    "  --access-id ID    access key id to accept (with --access-key-secret); repeatable pairs;",
                    "                    without any, unsigned requests are accepted",
                    "  --access-key-secret KEY  access key secret of the preceding --access-id"
                            + " (also --access-key)",
                    "  --data-dir DIR    persist committed data and tables here (survives restarts and"
                            + " kill -9);",
                    "                    in memory when absent",
                    "  --sql FILE        run the DDL statements in FILE (in the default project) at start",
                    "  --isolate-attackers  refuse clients that retry sooner than the retry policy allows",
                    "",
                    "Service limits (defaults: the service's; D is a duration, e.g. 500ms, 30s, 5m, 24h):",
                    "  --session-lifetime D  lifetime of every tunnel session, e.g. 30s, 10m"
                            + " (default 24h);",
                    "                    a short one makes sessions expire early",
                    limitFlagsHelp(),
                    "",
                    "Simulated time:",
                    "  --clock-speed N   run the emulator's clock N times as fast as real time"
                            + " (default 1;",
                    "                    30 turns a minute of service limits into 2 real seconds)",
                    "  --clock-offset D  start with the emulator's clock D ahead of real time"
                            + " (e.g. 25h);",
                    "                    while running, POST /emulator/clock?advance=PT1H (ISO-8601)"
                            + " moves it",
                    "                    forward and GET /emulator/clock shows it (loopback"
                            + " clients only)",
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
        EmulatorLimits.Builder limits = EmulatorLimits.builder();
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
                                "--access-id " + pendingId + " has no --access-key-secret");
                    }
                    pendingId = value(args, ++i, a);
                }
                case "--access-key-secret", "--access-key" -> {
                    if (pendingId == null) {
                        throw new IllegalArgumentException(
                                "--access-key-secret must follow --access-id");
                    }
                    b.credentials(pendingId, value(args, ++i, a));
                    pendingId = null;
                }
                case "--data-dir" -> b.dataDir(Path.of(value(args, ++i, a)));
                case "--sql" -> sqlFile = Path.of(value(args, ++i, a));
                case "--isolate-attackers" -> b.isolateAttackers(true);
                case "--session-lifetime" ->
                        limits.sessionLifetime(duration(value(args, ++i, a), a));
                case "--clock-offset" -> b.clockOffset(duration(value(args, ++i, a), a));
                case "--clock-speed" -> b.clockSpeed(clockSpeed(value(args, ++i, a)));
                case "--fail" -> faults.fail(value(args, ++i, a));
                case "--reset" -> faults.reset(value(args, ++i, a));
                case "--drop-response" -> faults.dropResponse(value(args, ++i, a));
                case "--delay" -> faults.delay(value(args, ++i, a));
                case "--fault-seed" -> faults.seed(value(args, ++i, a));
                default -> {
                    LimitFlag limit = LIMIT_FLAGS.get(a);
                    if (limit == null) {
                        throw new IllegalArgumentException("unknown option '" + a + "'");
                    }
                    String v = value(args, ++i, a);
                    try {
                        limit.setter().accept(limits, v);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(a + ": " + e.getMessage());
                    }
                }
            }
        }
        if (pendingId != null) {
            throw new IllegalArgumentException(
                    "--access-id " + pendingId + " has no --access-key-secret");
        }
        b.faultPlan(faults.toPlan());
        b.limits(limits.build());
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

    private static int positiveInt(String s) {
        try {
            int n = Integer.parseInt(s.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("needs a positive whole number, got '" + s + "'");
    }

    private static long positiveLong(String s) {
        try {
            long n = Long.parseLong(s.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("needs a whole number > 0, got '" + s + "'");
    }

    private static long nonNegativeLong(String s) {
        try {
            long n = Long.parseLong(s.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("needs a whole number >= 0, got '" + s + "'");
    }

    private static Duration positiveDuration(String s) {
        return FaultFlags.duration(s);
    }

    private static double clockSpeed(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--clock-speed takes a number, got '" + s + "'");
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
