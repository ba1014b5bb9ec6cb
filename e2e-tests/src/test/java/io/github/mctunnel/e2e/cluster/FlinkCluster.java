package io.github.mctunnel.e2e.cluster;

import io.github.mctunnel.client.http.TransportSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A standalone Flink session cluster as separate JVMs, assembled like a Flink installation whose
 * {@code lib/} holds {@code libDir}'s jars plus {@code extraLibJars}: one JobManager ({@code
 * StandaloneSessionClusterEntrypoint}), TaskManagers ({@code TaskManagerRunner}, 2 slots each,
 * resource ids {@code tm-1, tm-2, ...}) and optionally a SQL Gateway, all on loopback with free
 * ports, small heaps, 1 s heartbeats and a fixed-delay restart strategy. Each process has its own
 * config directory and log under {@code workDir}.
 */
final class FlinkCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /** What Flink's own config.yaml passes to every JVM on Java 17. */
    private static final List<String> JAVA_17_OPTIONS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private final Path workDir;
    private final String classpath;
    private final Map<String, String> config;
    private final FlinkRestClient rest;

    /** High availability: the JobManagers by name ({@code jobmanager-N}) and their REST ports. */
    private final Map<String, JvmProcess> jobManagers = new LinkedHashMap<>();

    private final Map<String, Integer> jobManagerRestPorts = new ConcurrentHashMap<>();
    private final Map<String, FlinkRestClient> jobManagerRests = new ConcurrentHashMap<>();
    private int nextJobManager = 1;
    private static final AtomicInteger CLIENT_ADDRESSES = new AtomicInteger();

    private final List<JvmProcess> processes = new CopyOnWriteArrayList<>();
    private final Map<String, JvmProcess> taskManagers = new LinkedHashMap<>();
    private final Set<JvmProcess> killed = ConcurrentHashMap.newKeySet();
    private int nextTaskManager = 1;
    private FlinkRestClient sqlGateway;

    private FlinkCluster(Path workDir, String classpath, Map<String, String> config) {
        this.workDir = workDir;
        this.classpath = classpath;
        this.config = config;
        this.rest = new FlinkRestClient("http://127.0.0.1:" + config.get("rest.port"));
    }

    /** Starts the JobManager and {@code taskManagers} TaskManagers; returns once all registered. */
    static FlinkCluster start(Path workDir, Path libDir, List<Path> extraLibJars, int taskManagers)
            throws IOException, InterruptedException {
        return start(workDir, libDir, extraLibJars, taskManagers, null, 1);
    }

    /**
     * With {@code zooKeeperQuorum} not null: standalone high availability, {@code jobManagers}
     * JobManagers ({@code StandaloneSessionClusterEntrypoint}, each with its own REST port)
     * electing their leader through ZooKeeper, job graphs and checkpoints' metadata in a
     * file-system {@code high-availability.storageDir} under {@code workDir}; killing the leader
     * hands the jobs to another one, which restores them from their last checkpoint.
     */
    static FlinkCluster start(
            Path workDir,
            Path libDir,
            List<Path> extraLibJars,
            int taskManagers,
            String zooKeeperQuorum,
            int jobManagers)
            throws IOException, InterruptedException {
        List<String> jars = new ArrayList<>();
        try (var files = Files.list(libDir)) {
            files.map(Path::toString).filter(f -> f.endsWith(".jar")).sorted().forEach(jars::add);
        }
        extraLibJars.forEach(j -> jars.add(j.toString()));

        Map<String, String> config = new LinkedHashMap<>();
        config.put("jobmanager.rpc.address", "127.0.0.1");
        config.put("jobmanager.rpc.port", String.valueOf(freePort()));
        config.put("jobmanager.bind-host", "127.0.0.1");
        config.put("rest.address", "127.0.0.1");
        config.put("rest.bind-address", "127.0.0.1");
        config.put("rest.port", String.valueOf(freePort()));
        config.put("taskmanager.host", "127.0.0.1");
        config.put("taskmanager.bind-host", "127.0.0.1");
        config.put("taskmanager.numberOfTaskSlots", "2");
        config.put("cluster.evenly-spread-out-slots", "true");
        config.put("parallelism.default", "2");
        // TaskManagerRunner without Flink's scripts needs every memory component set.
        config.put("taskmanager.cpu.cores", "2");
        config.put("taskmanager.memory.framework.heap.size", "64m");
        config.put("taskmanager.memory.task.heap.size", "160m");
        config.put("taskmanager.memory.framework.off-heap.size", "64m");
        config.put("taskmanager.memory.task.off-heap.size", "0m");
        config.put("taskmanager.memory.network.min", "32m");
        config.put("taskmanager.memory.network.max", "32m");
        config.put("taskmanager.memory.managed.size", "64m");
        config.put("taskmanager.memory.jvm-metaspace.size", "256m");
        config.put("taskmanager.memory.jvm-overhead.min", "64m");
        config.put("taskmanager.memory.jvm-overhead.max", "64m");
        // A lost TaskManager is noticed within seconds; failed jobs restart quickly.
        config.put("heartbeat.interval", "1 s");
        config.put("heartbeat.timeout", "5 s");
        config.put("restart-strategy.type", "fixed-delay");
        config.put("restart-strategy.fixed-delay.attempts", "30");
        config.put("restart-strategy.fixed-delay.delay", "1 s");
        config.put("io.tmp.dirs", workDir.resolve("tmp").toString());
        config.put("web.upload.dir", workDir.resolve("uploads").toString());
        config.put("web.submit.enable", "true");
        // The SQL Gateway (when started) submits to this cluster.
        config.put("execution.target", "remote");
        config.put("sql-gateway.endpoint.rest.address", "127.0.0.1");
        config.put("sql-gateway.endpoint.rest.bind-address", "127.0.0.1");
        config.put("sql-gateway.endpoint.rest.port", String.valueOf(freePort()));
        if (zooKeeperQuorum != null) {
            config.put("high-availability.type", "zookeeper");
            config.put("high-availability.zookeeper.quorum", zooKeeperQuorum);
            config.put("high-availability.zookeeper.path.root", "/flink");
            config.put("high-availability.cluster-id", "/e2e-" + System.currentTimeMillis());
            config.put("high-availability.storageDir", workDir.resolve("ha").toUri().toString());
            // a killed leader's ZooKeeper session ends within seconds, so a standby takes over
            config.put("high-availability.zookeeper.client.session-timeout", "10000");
            config.put("high-availability.zookeeper.client.connection-timeout", "5000");
            config.put("high-availability.zookeeper.client.retry-wait", "1000");
            config.put("high-availability.zookeeper.client.max-retry-attempts", "10");
            // a soak kills processes for half an hour: never give up restarting
            config.put("restart-strategy.fixed-delay.attempts", "100000");
            config.put("restart-strategy.fixed-delay.delay", "2 s");
            Files.createDirectories(workDir.resolve("ha"));
        }
        Files.createDirectories(workDir.resolve("tmp"));
        Files.createDirectories(workDir.resolve("uploads"));

        FlinkCluster cluster =
                new FlinkCluster(workDir, String.join(java.io.File.pathSeparator, jars), config);
        try {
            if (zooKeeperQuorum == null) {
                cluster.startJobManager();
            } else {
                for (int i = 0; i < jobManagers; i++) {
                    cluster.startStandbyJobManager();
                }
                cluster.awaitLeader();
            }
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
            cluster.awaitTaskManagers(taskManagers);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            System.err.println(cluster.logTails(80));
            cluster.close();
            throw e;
        }
    }

    /** The REST API of the JobManager; with high availability, of the leader's. */
    FlinkRestClient rest() {
        if (jobManagers.isEmpty()) {
            return rest;
        }
        String leader = leaderJobManager();
        if (leader == null) {
            leader = aliveJobManagers().stream().findFirst().orElseThrow();
        }
        return jobManagerRests.computeIfAbsent(
                leader, n -> new FlinkRestClient("http://127.0.0.1:" + jobManagerRestPorts.get(n)));
    }

    /** The names of the JobManagers that run (high availability). */
    synchronized List<String> aliveJobManagers() {
        return jobManagers.entrySet().stream()
                .filter(e -> e.getValue().isAlive())
                .map(Map.Entry::getKey)
                .toList();
    }

    /**
     * The leading JobManager (high availability): the running one whose log last says its
     * Dispatcher was granted leadership and not revoked since; null while none leads.
     */
    synchronized String leaderJobManager() {
        for (String name : aliveJobManagers()) {
            JvmProcess jm = jobManagers.get(name);
            try (var lines = Files.lines(jm.log(), StandardCharsets.UTF_8)) {
                String last = null;
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.contains("DispatcherRunner")
                            && (line.contains("granted leadership")
                                    || line.contains("revoked the leadership")
                                    || line.contains("revoked leadership"))) {
                        last = line;
                    }
                }
                if (last != null && last.contains("granted leadership")) {
                    return name;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return null;
    }

    /** Waits until one JobManager leads and its REST API answers. */
    void awaitLeader() throws InterruptedException {
        Poll.until(
                "a leading JobManager",
                START_TIMEOUT,
                () -> {
                    assertRunning();
                    return leaderJobManager() != null
                            && rest().get("/overview").has("taskmanagers");
                },
                () -> logTails(40));
    }

    /** {@code kill -9} of the leading JobManager; returns its name. */
    synchronized String killLeaderJobManager() {
        String leader = leaderJobManager();
        if (leader == null) {
            throw new IllegalStateException("no JobManager leads");
        }
        JvmProcess jm = jobManagers.get(leader);
        killed.add(jm);
        jm.kill();
        return leader;
    }

    /** Starts another JobManager (high availability: a standby until it wins the election). */
    synchronized String startStandbyJobManager() throws IOException {
        String name = "jobmanager-" + nextJobManager++;
        int restPort = freePort();
        Map<String, String> own = new LinkedHashMap<>(config);
        own.put("rest.port", String.valueOf(restPort));
        own.put("jobmanager.rpc.port", String.valueOf(freePort()));
        JvmProcess jm =
                startJvm(
                        name,
                        own,
                        List.of("-Xmx384m", "-XX:MaxMetaspaceSize=256m"),
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        jobManagers.put(name, jm);
        jobManagerRestPorts.put(name, restPort);
        return name;
    }

    /** The resource ids of the running TaskManagers. */
    synchronized List<String> taskManagerIds() {
        return List.copyOf(taskManagers.keySet());
    }

    /** Starts a TaskManager with the next resource id ({@code tm-N}) and returns that id. */
    synchronized String startTaskManager() throws IOException {
        String id = "tm-" + nextTaskManager++;
        Map<String, String> own = new LinkedHashMap<>(config);
        own.put("taskmanager.resource-id", id);
        JvmProcess tm =
                startJvm(
                        id,
                        own,
                        List.of(
                                "-Xmx224m",
                                "-XX:MaxDirectMemorySize=128m",
                                "-XX:MaxMetaspaceSize=256m"),
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        taskManagers.put(id, tm);
        return id;
    }

    /** {@code kill -9} of the TaskManager with this resource id. */
    synchronized void killTaskManager(String id) {
        JvmProcess tm = taskManagers.remove(id);
        if (tm == null) {
            throw new IllegalArgumentException("no running TaskManager " + id);
        }
        killed.add(tm);
        tm.kill();
    }

    /** Waits until exactly {@code count} TaskManagers are registered. */
    void awaitTaskManagers(int count) throws InterruptedException {
        Poll.until(
                count + " registered TaskManagers",
                START_TIMEOUT,
                () -> {
                    assertRunning();
                    return rest().taskManagers() == count;
                },
                () -> logTails(40));
    }

    /** Starts a SQL Gateway (REST endpoint) submitting to this cluster; returns its client. */
    FlinkRestClient startSqlGateway() throws IOException, InterruptedException {
        if (sqlGateway == null) {
            Path confDir = writeConfig("sql-gateway", config);
            startJvm(
                    "sql-gateway",
                    config,
                    List.of("-Xmx384m", "-XX:MaxMetaspaceSize=256m"),
                    "org.apache.flink.table.gateway.SqlGateway",
                    Map.of("FLINK_CONF_DIR", confDir.toString()));
            FlinkRestClient client =
                    new FlinkRestClient(
                            "http://127.0.0.1:" + config.get("sql-gateway.endpoint.rest.port"));
            Poll.until(
                    "the SQL Gateway's REST endpoint",
                    START_TIMEOUT,
                    () -> {
                        assertRunning();
                        return client.get("/v1/info").has("version");
                    },
                    () -> logTails(40));
            sqlGateway = client;
        }
        return sqlGateway;
    }

    /** Fails at once when a process that should run has exited (a start-up error). */
    private void assertRunning() {
        for (JvmProcess p : processes) {
            if (!p.isAlive() && !killed.contains(p)) {
                throw new AssertionError(p + " exited:" + System.lineSeparator() + p.tail(60));
            }
        }
    }

    /** The last lines of every process's log, for failure messages. */
    String logTails(int lines) {
        return processes.stream()
                .map(
                        p ->
                                "----- last "
                                        + lines
                                        + " lines of "
                                        + p
                                        + (p.isAlive() ? "" : " (not running)")
                                        + System.lineSeparator()
                                        + p.tail(lines))
                .collect(Collectors.joining(System.lineSeparator()));
    }

    @Override
    public void close() {
        for (JvmProcess p : processes) {
            p.kill();
        }
    }

    private void startJobManager() throws IOException, InterruptedException {
        startJvm(
                "jobmanager",
                config,
                List.of("-Xmx384m", "-XX:MaxMetaspaceSize=256m"),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        Poll.until(
                "the JobManager's REST endpoint",
                START_TIMEOUT,
                () -> {
                    assertRunning();
                    return rest.get("/overview").has("taskmanagers");
                },
                () -> logTails(40));
    }

    private JvmProcess startJvm(
            String name, Map<String, String> conf, List<String> heap, String mainClass)
            throws IOException {
        return startJvm(name, conf, heap, mainClass, Map.of());
    }

    private JvmProcess startJvm(
            String name,
            Map<String, String> conf,
            List<String> heap,
            String mainClass,
            Map<String, String> environment)
            throws IOException {
        Path confDir = writeConfig(name, conf);
        Path log = workDir.resolve("logs").resolve(name + ".log");
        List<String> args = new ArrayList<>(heap);
        args.addAll(JAVA_17_OPTIONS);
        args.add("-Dlog.file=" + log);
        // Each process talks to the service from a loopback address of its own, as the processes
        // of a real cluster do from their hosts: the service (and the emulator) apply the retry
        // policy per client address, and processes cannot share one back-off.
        args.add("-D" + TransportSettings.LOCAL_ADDRESS_PROPERTY + "=" + nextClientAddress());
        args.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        args.add("-cp");
        args.add(classpath);
        args.add(mainClass);
        if (!mainClass.endsWith("SqlGateway")) {
            args.add("--configDir");
            args.add(confDir.toString());
        }
        JvmProcess process = JvmProcess.start(name, args, environment, log);
        processes.add(process);
        return process;
    }

    /** 127.0.0.2, 127.0.0.3, ... (Linux answers on all of 127.0.0.0/8). */
    private static String nextClientAddress() {
        int n = CLIENT_ADDRESSES.getAndIncrement();
        return "127.0." + (n / 250) % 250 + "." + (2 + n % 250);
    }

    private Path writeConfig(String name, Map<String, String> conf) throws IOException {
        Path dir = workDir.resolve("conf-" + name);
        Files.createDirectories(dir);
        StringBuilder yaml = new StringBuilder();
        conf.forEach((k, v) -> yaml.append(k).append(": \"").append(v).append("\"\n"));
        Files.writeString(dir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
        Files.writeString(
                dir.resolve("log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.console.ref = console",
                        "appender.console.type = Console",
                        "appender.console.name = console",
                        "appender.console.layout.type = PatternLayout",
                        "appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} [%t] - %m%n",
                        "logger.netty.name = org.apache.flink.shaded",
                        "logger.netty.level = WARN",
                        "logger.pekko.name = org.apache.pekko",
                        "logger.pekko.level = WARN",
                        ""),
                StandardCharsets.UTF_8);
        return dir;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
