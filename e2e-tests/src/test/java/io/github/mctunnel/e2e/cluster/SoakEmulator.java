package io.github.mctunnel.e2e.cluster;

import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.FaultPlan;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.emulator.tunnel.TunnelStats;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The emulator process of the chaos soak: the emulator (as {@code java -jar tunnel-emulator.jar}
 * with {@code --data-dir} and {@code --clock-speed}), plus what its command line cannot do while it
 * runs. It takes bursts of faults from command files the soak driver drops into a control directory
 * ({@code *.cmd}, one fault a line, see {@link #apply}), and writes {@code stats.txt} there every
 * 250 ms: its attack requests, injected faults and the open sessions of the soak's tables (and
 * their peak since it started).
 *
 * <p>Arguments: {@code PORT DATA_DIR CONTROL_DIR CLOCK_SPEED SEED TABLE...}. Started with the
 * emulator's runnable jar and this module's test classes on the classpath.
 */
public final class SoakEmulator {

    private SoakEmulator() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dataDir = Path.of(args[1]);
        Path control = Path.of(args[2]);
        double clockSpeed = Double.parseDouble(args[3]);
        long seed = Long.parseLong(args[4]);
        List<TableIdentifier> tables = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            tables.add(TableIdentifier.of(EmulatorProcess.PROJECT, args[i]));
        }
        Files.createDirectories(control);
        FaultPlan faults = FaultPlan.seeded(seed);
        TunnelEmulator emulator =
                TunnelEmulator.builder()
                        .host("127.0.0.1")
                        .port(port)
                        .project(EmulatorProcess.PROJECT)
                        .credentials(EmulatorProcess.ACCESS_ID, EmulatorProcess.ACCESS_KEY)
                        .dataDir(dataDir)
                        .clockSpeed(clockSpeed)
                        .faultPlan(faults)
                        .build()
                        .start();
        // the line EmulatorProcess waits for, as the emulator's own main prints it
        System.out.println(
                "tunnel-emulator started endpoint="
                        + emulator.odpsEndpoint()
                        + " tunnel="
                        + emulator.tunnelEndpoint());
        System.out.flush();
        int peak = 0;
        while (true) {
            try (var files = Files.list(control)) {
                for (Path cmd :
                        files.filter(f -> f.toString().endsWith(".cmd")).sorted().toList()) {
                    for (String line : Files.readAllLines(cmd, StandardCharsets.UTF_8)) {
                        if (!line.isBlank()) {
                            apply(faults, line.trim());
                            System.out.println("soak fault: " + line.trim());
                        }
                    }
                    Files.move(
                            cmd,
                            cmd.resolveSibling(cmd.getFileName() + ".done"),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            int open = 0;
            for (TableIdentifier table : tables) {
                TunnelStats stats = emulator.tunnelService().stats(table);
                open += stats.openUploadSessions() + stats.openUpsertSessions();
            }
            peak = Math.max(peak, open);
            String stats =
                    String.format(
                            Locale.ROOT,
                            "attacks=%d%ninjected=%d%nopen=%d%npeak=%d%nclock=%s%n",
                            emulator.attackRequestCount(),
                            faults.injectedCount(),
                            open,
                            peak,
                            emulator.clock().instant());
            StringBuilder all = new StringBuilder(stats);
            for (String attack : emulator.attackRequests()) {
                all.append("attack: ").append(attack.replace('\n', ' ')).append('\n');
            }
            Path tmp = control.resolve("stats.tmp");
            Files.writeString(tmp, all, StandardCharsets.UTF_8);
            Files.move(
                    tmp,
                    control.resolve("stats.txt"),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Thread.sleep(250);
        }
    }

    /**
     * One fault line: {@code fail COUNT STATUS CODE RETRY_AFTER_SECONDS METHOD PATH} or {@code
     * reset COUNT AFTER_BYTES METHOD PATH}; {@code METHOD} may be {@code *} for any.
     */
    static void apply(FaultPlan faults, String line) {
        String[] f = line.split(" ");
        switch (f[0]) {
            case "fail" ->
                    faults.failNext(
                            Integer.parseInt(f[1]),
                            matcher(f[5], f[6]),
                            Integer.parseInt(f[2]),
                            f[3],
                            Integer.parseInt(f[4]));
            case "reset" ->
                    faults.resetNext(
                            Integer.parseInt(f[1]), matcher(f[3], f[4]), Long.parseLong(f[2]));
            default -> throw new IllegalArgumentException("unknown fault line: " + line);
        }
    }

    private static RequestMatcher matcher(String method, String path) {
        return RequestMatcher.of("*".equals(method) ? null : method, path);
    }
}
