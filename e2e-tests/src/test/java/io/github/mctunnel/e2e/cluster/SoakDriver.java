package io.github.mctunnel.e2e.cluster;

import io.github.mctunnel.e2e.job.Order;
import io.github.mctunnel.e2e.job.SoakJob;
import io.github.mctunnel.e2e.job.WriteOrdersJob;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The chaos soak: on a real multi-process cluster with ZooKeeper high availability (a ZooKeeper
 * server, two JobManagers, four TaskManagers) and the emulator as its own process (data directory,
 * clock {@value #CLOCK_SPEED} times as fast as real time so sessions expire within minutes), three
 * jobs run at once on bounded, rate-limited generated sources: exactly-once into two dynamic
 * partitions ({@link WriteOrdersJob}), upserts into a Delta table and at-least-once through the
 * stream tunnel ({@link SoakJob}). Meanwhile a schedule drawn from the seed kills the leading
 * JobManager, one TaskManager, two TaskManagers at once (each replaced by a new process), takes the
 * emulator away for 5-15 s (frozen with {@code kill -STOP}, an outage in which the service keeps
 * its sessions; with {@code emulatorKills} instead killed with {@code kill -9} and started again on
 * its data directory, where it forgets open sessions, which the service never does), and injects
 * bursts of 503, 429 and connection resets (some right after a kill, while the jobs recover). A
 * disruptive event waits until every running job has completed a checkpoint after the previous one,
 * so each kill restores from a checkpoint taken under chaos. Then the sources end, the jobs finish
 * with their final commits, and every table is checked against what the sources produced: the
 * exactly-once and upsert tables exactly, the at-least-once table for missing rows. Prints one
 * table and writes it as CSV.
 *
 * <p>{@code main}: {@code --minutes N --seed S --csv FILE [--emulator-kills true]}, with the system
 * properties {@code e2e.clusterDir}, {@code e2e.flinkVersion} and {@code e2e.jobJar} the build sets
 * (e2e-tests/soak.sh runs it through {@link SoakITCase}). Exit status 0 only when nothing was lost
 * or duplicated.
 */
public final class SoakDriver {

    static final double CLOCK_SPEED = 240;
    private static final int TASK_MANAGERS = 4;
    private static final long CHECKPOINT_INTERVAL_MS = 3_000;
    private static final String EO = "soak_exactly_once";
    private static final String UPSERT = "soak_upsert";
    private static final String ALO = "soak_at_least_once";
    private static final long EO_RATE = 100;
    private static final long UPSERT_RATE = 50;
    private static final long ALO_RATE = 100;
    private static final long UPSERT_KEYS = 1_000;
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(3);

    /** The figures of one soak. */
    record Result(Map<String, String> figures, boolean passed) {

        String table() {
            StringBuilder out = new StringBuilder();
            int width = figures.keySet().stream().mapToInt(String::length).max().orElse(10);
            String rule = "-".repeat(width + 16) + System.lineSeparator();
            out.append(rule);
            figures.forEach(
                    (k, v) ->
                            out.append(
                                    String.format(Locale.ROOT, "%-" + width + "s | %s%n", k, v)));
            out.append(rule);
            return out.toString();
        }

        String csv() {
            return String.join(",", figures.keySet())
                    + "\n"
                    + String.join(",", figures.values())
                    + "\n";
        }
    }

    private enum Event {
        KILL_JOBMANAGER,
        KILL_ONE_TASKMANAGER,
        KILL_TWO_TASKMANAGERS,
        RESTART_EMULATOR,
        EMULATOR_OUTAGE,
        FAULT_BURST
    }

    private final double minutes;
    private final long seed;
    private final Path clusterDir;
    private final String flinkVersion;
    private final Path jobJar;
    private final Random random;
    private final Map<String, String> jobs = new LinkedHashMap<>();
    private final Map<String, long[]> checkpoints = new HashMap<>();
    private ZooKeeperProcess zooKeeper;
    private EmulatorProcess emulator;
    private FlinkCluster flink;
    private OrdersTables tables;
    private long lastDisruption;
    private int jobManagerKills;
    private int taskManagerKills;
    private int emulatorRestarts;
    private int emulatorOutages;
    private final boolean emulatorKills;
    private int faultBursts;
    private long attacksBefore;
    private long injectedBefore;
    private long peakOpenSessions;
    private final List<String> attackReports = new ArrayList<>();

    SoakDriver(
            double minutes,
            long seed,
            boolean emulatorKills,
            Path clusterDir,
            String flinkVersion,
            Path jobJar) {
        this.minutes = minutes;
        this.emulatorKills = emulatorKills;
        this.seed = seed;
        this.clusterDir = clusterDir;
        this.flinkVersion = flinkVersion;
        this.jobJar = jobJar;
        this.random = new Random(seed);
    }

    public static void main(String[] args) throws Exception {
        double minutes = 30;
        long seed = 1;
        Path csv = Path.of("soak.csv");
        boolean emulatorKills = false;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--minutes" -> minutes = Double.parseDouble(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--csv" -> csv = Path.of(args[i + 1]);
                case "--emulator-kills" -> emulatorKills = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Result result = fromSystemProperties(minutes, seed, emulatorKills).run(csv);
        System.exit(result.passed() ? 0 : 1);
    }

    static SoakDriver fromSystemProperties(double minutes, long seed, boolean emulatorKills) {
        return new SoakDriver(
                minutes,
                seed,
                emulatorKills,
                Path.of(System.getProperty("e2e.clusterDir")),
                System.getProperty("e2e.flinkVersion"),
                Path.of(System.getProperty("e2e.jobJar")));
    }

    /** Runs the soak, prints the table and writes the CSV. */
    Result run(Path csv) throws Exception {
        long started = System.currentTimeMillis();
        Path workDir = clusterDir.resolve("soak-" + started);
        log("soak: " + minutes + " min, seed " + seed + ", work dir " + workDir);
        // a build stopped midway must not leave the processes behind
        Thread hook = new Thread(this::stopProcesses, "soak-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            startCluster(workDir);
            long chaosStart = System.currentTimeMillis();
            submitJobs();
            chaos(chaosStart);
            double chaosMinutes = (System.currentTimeMillis() - chaosStart) / 60_000.0;
            log("chaos over after " + String.format(Locale.ROOT, "%.1f", chaosMinutes) + " min");
            awaitJobsFinished();
            Result result = check(chaosMinutes, (System.currentTimeMillis() - started) / 60_000.0);
            System.out.print(result.table());
            for (String attack : attackReports) {
                System.out.println("attack request: " + attack);
            }
            Files.createDirectories(csv.toAbsolutePath().getParent());
            Files.writeString(csv, result.csv(), StandardCharsets.UTF_8);
            log("CSV: " + csv.toAbsolutePath() + ", logs: " + workDir.resolve("logs"));
            return result;
        } catch (Exception | Error e) {
            if (flink != null) {
                System.err.println(flink.logTails(60));
            }
            if (emulator != null) {
                System.err.println(emulator.process().tail(40));
            }
            throw e;
        } finally {
            stopProcesses();
            Runtime.getRuntime().removeShutdownHook(hook);
            if (tables != null) {
                tables.close();
            }
        }
    }

    private synchronized void stopProcesses() {
        if (flink != null) {
            flink.close();
        }
        if (emulator != null) {
            emulator.close();
        }
        if (zooKeeper != null) {
            zooKeeper.close();
        }
    }

    private void startCluster(Path workDir) throws Exception {
        zooKeeper = ZooKeeperProcess.start(clusterDir.resolve("zookeeper.classpath"), workDir);
        Path testClasses =
                Path.of(
                        SoakEmulator.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        emulator =
                EmulatorProcess.startForSoak(
                        clusterDir.resolve("tunnel-emulator.jar"),
                        testClasses,
                        workDir,
                        CLOCK_SPEED,
                        seed,
                        List.of(EO, UPSERT, ALO));
        flink =
                FlinkCluster.start(
                        workDir,
                        clusterDir.resolve("flink-" + flinkVersion + "-lib"),
                        List.of(clusterDir.resolve("flink-sql-tunnel.jar")),
                        TASK_MANAGERS,
                        zooKeeper.quorum(),
                        2);
        String version = flink.rest().get("/config").path("flink-version").asText();
        if (!version.equals(flinkVersion)) {
            throw new IllegalStateException("the cluster runs Flink " + version);
        }
        tables = new OrdersTables(emulator.endpoint());
        tables.create(EO);
        tables.create(ALO);
        tables.runSql(
                "CREATE TABLE "
                        + UPSERT
                        + " (k BIGINT NOT NULL, v BIGINT, PRIMARY KEY (k))"
                        + " TBLPROPERTIES ('transactional'='true', 'write.bucket.num'='4');");
        log(
                "cluster up: ZooKeeper "
                        + zooKeeper.quorum()
                        + ", JobManagers "
                        + flink.aliveJobManagers()
                        + " (leader "
                        + flink.leaderJobManager()
                        + "), TaskManagers "
                        + flink.taskManagerIds()
                        + ", emulator "
                        + emulator.endpoint());
    }

    private long rows(long rate) {
        return Math.round(rate * minutes * 60);
    }

    private long rowsProduced() {
        return rows(EO_RATE) + rows(UPSERT_RATE) + rows(ALO_RATE);
    }

    private void submitJobs() throws Exception {
        FlinkRestClient rest = flink.rest();
        String jar = rest.uploadJar(jobJar);
        List<String> connection =
                List.of(
                        "--endpoint",
                        emulator.endpoint(),
                        "--project",
                        EmulatorProcess.PROJECT,
                        "--access-id",
                        EmulatorProcess.ACCESS_ID,
                        "--access-key-secret",
                        EmulatorProcess.ACCESS_KEY,
                        "--checkpoint-interval-ms",
                        String.valueOf(CHECKPOINT_INTERVAL_MS));
        List<String> eo = new ArrayList<>(connection);
        eo.addAll(
                List.of(
                        "--table", EO,
                        "--rows", String.valueOf(rows(EO_RATE)),
                        "--rows-per-second", String.valueOf(EO_RATE)));
        jobs.put(EO, rest.runJar(jar, WriteOrdersJob.class.getName(), eo, 2));
        List<String> upsert = new ArrayList<>(connection);
        upsert.addAll(
                List.of(
                        "--mode",
                        "upsert",
                        "--table",
                        UPSERT,
                        "--rows",
                        String.valueOf(rows(UPSERT_RATE)),
                        "--rows-per-second",
                        String.valueOf(UPSERT_RATE),
                        "--keys",
                        String.valueOf(UPSERT_KEYS),
                        "--buckets",
                        "4",
                        "--commit-interval-ms",
                        "10000"));
        jobs.put(UPSERT, rest.runJar(jar, SoakJob.class.getName(), upsert, 2));
        List<String> alo = new ArrayList<>(connection);
        alo.addAll(
                List.of(
                        "--mode",
                        "at-least-once",
                        "--table",
                        ALO,
                        "--rows",
                        String.valueOf(rows(ALO_RATE)),
                        "--rows-per-second",
                        String.valueOf(ALO_RATE)));
        jobs.put(ALO, rest.runJar(jar, SoakJob.class.getName(), alo, 2));
        log("jobs submitted: " + jobs);
        lastDisruption = System.currentTimeMillis();
    }

    /** The events of the soak in their seeded order, each kind at least once. */
    private List<Event> schedule() {
        List<Event> events = new ArrayList<>();
        add(events, Event.KILL_JOBMANAGER, Math.max(1, (int) Math.round(minutes / 5)));
        add(events, Event.KILL_ONE_TASKMANAGER, Math.max(1, (int) Math.round(minutes / 7)));
        add(events, Event.KILL_TWO_TASKMANAGERS, Math.max(1, (int) Math.round(minutes / 10)));
        add(
                events,
                emulatorKills ? Event.RESTART_EMULATOR : Event.EMULATOR_OUTAGE,
                Math.max(1, (int) Math.round(minutes / 10)));
        add(events, Event.FAULT_BURST, Math.max(2, (int) Math.round(minutes)));
        Collections.shuffle(events, random);
        return events;
    }

    private static void add(List<Event> events, Event event, int count) {
        for (int i = 0; i < count; i++) {
            events.add(event);
        }
    }

    private void chaos(long chaosStart) throws Exception {
        List<Event> events = schedule();
        long duration = Math.round(minutes * 60_000);
        // the first event after a quarter of the first slot, the last before the end
        long slot = duration / (events.size() + 1);
        log("schedule: " + events);
        for (int i = 0; i < events.size(); i++) {
            long due =
                    chaosStart + slot * (i + 1) + (long) ((random.nextDouble() - 0.5) * slot / 2);
            Event event = events.get(i);
            while (System.currentTimeMillis() < due) {
                sample();
                Thread.sleep(1_000);
            }
            if (event != Event.FAULT_BURST) {
                awaitSettled();
            }
            sample();
            switch (event) {
                case KILL_JOBMANAGER -> {
                    String killed = flink.killLeaderJobManager();
                    jobManagerKills++;
                    String standby = flink.startStandbyJobManager();
                    log("killed JobManager leader " + killed + ", started " + standby);
                    maybeBurstWhileRecovering();
                    flink.awaitLeader();
                    log("new leader " + flink.leaderJobManager());
                }
                case KILL_ONE_TASKMANAGER -> killTaskManagers(1);
                case KILL_TWO_TASKMANAGERS -> killTaskManagers(2);
                case RESTART_EMULATOR -> {
                    readEmulatorStats();
                    emulator.kill();
                    attacksBefore += lastStats.attacks;
                    injectedBefore += lastStats.injected;
                    lastStats = new StatsSnapshot(0, 0, 0, List.of());
                    Files.deleteIfExists(emulator.controlDir().resolve("stats.txt"));
                    emulatorRestarts++;
                    long down = 2_000 + random.nextInt(8_000);
                    log("killed the emulator, down for " + down + " ms");
                    Thread.sleep(down);
                    emulator.restart();
                    log("emulator restarted");
                    lastDisruption = System.currentTimeMillis();
                }
                case EMULATOR_OUTAGE -> {
                    long down = 5_000 + random.nextInt(10_000);
                    emulator.process().signal(true);
                    emulatorOutages++;
                    log("emulator frozen (kill -STOP) for " + down + " ms");
                    try {
                        Thread.sleep(down);
                    } finally {
                        emulator.process().signal(false);
                    }
                    log("emulator thawed");
                    lastDisruption = System.currentTimeMillis();
                }
                case FAULT_BURST -> burst();
            }
        }
        while (System.currentTimeMillis() < chaosStart + duration) {
            sample();
            Thread.sleep(1_000);
        }
    }

    private void killTaskManagers(int count) throws Exception {
        List<String> running = new ArrayList<>(flink.taskManagerIds());
        Collections.shuffle(running, random);
        List<String> victims = running.subList(0, Math.min(count, running.size()));
        for (String victim : victims) {
            flink.killTaskManager(victim);
            taskManagerKills++;
        }
        List<String> started = new ArrayList<>();
        for (int i = 0; i < victims.size(); i++) {
            started.add(flink.startTaskManager());
        }
        log("killed TaskManagers " + victims + ", started " + started);
        lastDisruption = System.currentTimeMillis();
        maybeBurstWhileRecovering();
    }

    private void maybeBurstWhileRecovering() throws IOException {
        lastDisruption = System.currentTimeMillis();
        if (random.nextBoolean()) {
            burst();
        }
    }

    /** A burst of 503s, 429s or connection resets on the tables' requests. */
    private void burst() throws IOException {
        int kind = random.nextInt(3);
        int count = 3 + random.nextInt(10);
        String line =
                switch (kind) {
                    case 0 -> "fail " + count + " 503 ServiceUnavailable 1 * /tables/";
                    case 1 -> "fail " + count + " 429 FlowExceeded 2 * /tables/";
                    default -> "reset " + Math.max(1, count / 3) + " 256 PUT /tables/";
                };
        faultBursts++;
        Path control = emulator.controlDir();
        Files.createDirectories(control);
        Path tmp = control.resolve("burst-" + faultBursts + ".tmp");
        Files.writeString(tmp, line + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, control.resolve(String.format(Locale.ROOT, "burst-%05d.cmd", faultBursts)));
        log("fault burst: " + line);
    }

    /**
     * Waits (at most {@link #SETTLE_TIMEOUT}) until every job runs or finished and each running one
     * completed a checkpoint triggered after the last disruption.
     */
    private void awaitSettled() throws InterruptedException {
        long since = lastDisruption;
        try {
            Poll.until(
                    "the jobs to complete a checkpoint after the last disruption",
                    SETTLE_TIMEOUT,
                    () -> {
                        sample();
                        FlinkRestClient rest = flink.rest();
                        for (String job : jobs.values()) {
                            String state = rest.jobState(job);
                            if (state.equals("FINISHED")) {
                                continue;
                            }
                            if (!state.equals("RUNNING")) {
                                return false;
                            }
                            JsonNode latest =
                                    rest.get("/jobs/" + job + "/checkpoints")
                                            .path("latest")
                                            .path("completed");
                            if (latest.path("trigger_timestamp").asLong() <= since) {
                                return false;
                            }
                        }
                        return true;
                    },
                    () -> "");
        } catch (AssertionError e) {
            log("not settled after " + SETTLE_TIMEOUT.toMinutes() + " min; going on");
        }
    }

    /** Samples checkpoint counts (a new leader starts its counts at zero) and emulator stats. */
    private void sample() {
        try {
            FlinkRestClient rest = flink.rest();
            for (String job : jobs.values()) {
                JsonNode counts = rest.get("/jobs/" + job + "/checkpoints").path("counts");
                long completed = counts.path("completed").asLong();
                long failed = counts.path("failed").asLong();
                // [base completed, last completed, base failed, last failed]
                long[] c = checkpoints.computeIfAbsent(job, k -> new long[4]);
                if (completed < c[1] || failed < c[3]) {
                    c[0] += c[1];
                    c[2] += c[3];
                }
                c[1] = completed;
                c[3] = failed;
            }
        } catch (Exception e) {
            // no leader right now
        }
        readEmulatorStats();
    }

    private record StatsSnapshot(long attacks, long injected, long peak, List<String> reports) {}

    private StatsSnapshot emulatorStats() {
        try {
            long attacks = 0;
            long injected = 0;
            long peak = 0;
            List<String> reports = new ArrayList<>();
            for (String line :
                    Files.readAllLines(
                            emulator.controlDir().resolve("stats.txt"), StandardCharsets.UTF_8)) {
                if (line.startsWith("attacks=")) {
                    attacks = Long.parseLong(line.substring(8));
                } else if (line.startsWith("injected=")) {
                    injected = Long.parseLong(line.substring(9));
                } else if (line.startsWith("peak=")) {
                    peak = Long.parseLong(line.substring(5));
                } else if (line.startsWith("attack: ")) {
                    reports.add(line.substring(8));
                }
            }
            return new StatsSnapshot(attacks, injected, peak, reports);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private StatsSnapshot lastStats = new StatsSnapshot(0, 0, 0, List.of());

    private void readEmulatorStats() {
        StatsSnapshot now = emulatorStats();
        if (now == null) {
            return;
        }
        if (now.attacks >= lastStats.attacks && now.injected >= lastStats.injected) {
            lastStats = now;
        }
        peakOpenSessions = Math.max(peakOpenSessions, now.peak);
        for (String report : now.reports) {
            if (!attackReports.contains(report)) {
                attackReports.add(report);
            }
        }
    }

    private void awaitJobsFinished() throws Exception {
        Duration timeout = Duration.ofMinutes(10).plus(Duration.ofSeconds((long) (minutes * 30)));
        for (Map.Entry<String, String> job : jobs.entrySet()) {
            Poll.until(
                    "job " + job.getKey() + " to finish",
                    timeout,
                    () -> {
                        sample();
                        String state = flink.rest().jobState(job.getValue());
                        if (state.equals("FAILED") || state.equals("CANCELED")) {
                            throw new AssertionError(
                                    job.getKey()
                                            + " "
                                            + state
                                            + ": "
                                            + flink.rest().exceptions(job.getValue()));
                        }
                        return state.equals("FINISHED");
                    },
                    () -> flink.logTails(40));
            log("job " + job.getKey() + " finished");
        }
        sample();
    }

    private Result check(double chaosMinutes, double totalMinutes) throws IOException {
        readEmulatorStats();
        long attacks = attacksBefore + lastStats.attacks;
        long injected = injectedBefore + lastStats.injected;
        long completed = 0;
        long failed = 0;
        for (long[] c : checkpoints.values()) {
            completed += c[0] + c[1];
            failed += c[2] + c[3];
        }

        // exactly-once: every order once, as generated
        long eoRows = rows(EO_RATE);
        List<Order> eo = tables.read(EO);
        long[] eoCheck = checkOrders(eo, eoRows);
        // at-least-once: no order missing
        long aloRows = rows(ALO_RATE);
        List<Order> alo = tables.read(ALO);
        long[] aloCheck = checkOrders(alo, aloRows);
        // upsert: each key once with the value of its last change
        long upsertRows = rows(UPSERT_RATE);
        List<Object[]> upsert = tables.rows(UPSERT);
        Map<Long, Integer> keys = new HashMap<>();
        long upsertLost = 0;
        long upsertWrong = 0;
        for (Object[] row : upsert) {
            long k = (Long) row[0];
            keys.merge(k, 1, Integer::sum);
            long expected = SoakJob.upsertValue(k, UPSERT_KEYS, upsertRows);
            if (k < 0 || k >= UPSERT_KEYS || row[1] == null || (Long) row[1] != expected) {
                upsertWrong++;
            }
        }
        for (long k = 0; k < Math.min(UPSERT_KEYS, upsertRows); k++) {
            if (!keys.containsKey(k)) {
                upsertLost++;
            }
        }
        long upsertDuplicated =
                keys.values().stream().mapToLong(n -> n - 1).filter(n -> n > 0).sum();

        Map<String, String> f = new LinkedHashMap<>();
        f.put("seed", String.valueOf(seed));
        f.put("minutes_run", String.format(Locale.ROOT, "%.1f", chaosMinutes));
        f.put("minutes_total", String.format(Locale.ROOT, "%.1f", totalMinutes));
        f.put("jobmanager_kills", String.valueOf(jobManagerKills));
        f.put("taskmanager_kills", String.valueOf(taskManagerKills));
        f.put("emulator_restarts", String.valueOf(emulatorRestarts));
        f.put("emulator_outages", String.valueOf(emulatorOutages));
        f.put("fault_bursts", String.valueOf(faultBursts));
        f.put("faults_injected", String.valueOf(injected));
        f.put("checkpoints_completed", String.valueOf(completed));
        f.put("checkpoints_failed", String.valueOf(failed));
        f.put("rows_produced", String.valueOf(rowsProduced()));
        f.put("rows_exactly_once", eo.size() + " of " + eoRows);
        f.put("rows_upsert", upsert.size() + " keys of " + upsertRows + " changes");
        f.put("rows_at_least_once", alo.size() + " of " + aloRows);
        f.put("lost_exactly_once", String.valueOf(eoCheck[0]));
        f.put("duplicated_exactly_once", String.valueOf(eoCheck[1]));
        f.put("wrong_exactly_once", String.valueOf(eoCheck[2]));
        f.put("lost_upsert", String.valueOf(upsertLost));
        f.put("duplicated_upsert", String.valueOf(upsertDuplicated));
        f.put("wrong_upsert", String.valueOf(upsertWrong));
        f.put("lost_at_least_once", String.valueOf(aloCheck[0]));
        f.put("duplicated_at_least_once", String.valueOf(aloCheck[1]));
        f.put("attack_requests", String.valueOf(attacks));
        f.put("peak_open_sessions", String.valueOf(peakOpenSessions));
        boolean passed =
                eoCheck[0] == 0
                        && eoCheck[1] == 0
                        && eoCheck[2] == 0
                        && upsertLost == 0
                        && upsertDuplicated == 0
                        && upsertWrong == 0
                        && aloCheck[0] == 0
                        && aloCheck[2] == 0
                        && attacks == 0;
        f.put("result", passed ? "PASSED" : "FAILED");
        return new Result(f, passed);
    }

    /** [missing, duplicated, wrong] of orders 0 .. count-1 in {@code actual}. */
    private static long[] checkOrders(List<Order> actual, long count) {
        Map<Long, Integer> seen = new HashMap<>();
        long wrong = 0;
        for (Order order : actual) {
            seen.merge(order.orderId, 1, Integer::sum);
            if (order.orderId < 0
                    || order.orderId >= count
                    || !order.equals(Order.of(order.orderId))) {
                wrong++;
            }
        }
        long missing = 0;
        for (long id = 0; id < count; id++) {
            if (!seen.containsKey(id)) {
                missing++;
            }
        }
        long duplicated = seen.values().stream().mapToLong(n -> n - 1).sum();
        return new long[] {missing, duplicated, wrong};
    }

    private static void log(String message) {
        System.out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + message);
        System.out.flush();
    }
}
