package io.github.mctunnel.e2e.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A standalone ZooKeeper server ({@code org.apache.zookeeper.server.ZooKeeperServerMain}) as its
 * own JVM on loopback, with a generated {@code zoo.cfg} and its data under {@code
 * workDir/zookeeper} ; the quorum Flink's ZooKeeper high availability connects to.
 */
final class ZooKeeperProcess implements AutoCloseable {

    private final JvmProcess process;
    private final int port;

    private ZooKeeperProcess(JvmProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the server with the jars of {@code classpathFile} (a {@code :}-separated classpath, as
     * the build writes to target/e2e-cluster/zookeeper.classpath); returns once it serves.
     */
    static ZooKeeperProcess start(Path classpathFile, Path workDir)
            throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path dir = workDir.resolve("zookeeper");
        Files.createDirectories(dir.resolve("data"));
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(
                cfg,
                String.join(
                        "\n",
                        "tickTime=500",
                        "initLimit=10",
                        "syncLimit=5",
                        // Flink's ZooKeeper sessions (default 60 s) must fit in maxSessionTimeout
                        "maxSessionTimeout=60000",
                        "dataDir=" + dir.resolve("data"),
                        "clientPort=" + port,
                        "clientPortAddress=127.0.0.1",
                        "maxClientCnxns=0",
                        "admin.enableServer=false",
                        "4lw.commands.whitelist=ruok,srvr",
                        ""),
                StandardCharsets.UTF_8);
        Path log = workDir.resolve("logs").resolve("zookeeper.log");
        Path log4j = dir.resolve("log4j2.properties");
        Files.writeString(
                log4j,
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.console.ref = console",
                        "appender.console.type = Console",
                        "appender.console.name = console",
                        "appender.console.layout.type = PatternLayout",
                        "appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} [%t] - %m%n",
                        ""),
                StandardCharsets.UTF_8);
        String classpath = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
        JvmProcess process =
                JvmProcess.start(
                        "zookeeper",
                        List.of(
                                "-Xmx128m",
                                "-Dlog4j.configurationFile=" + log4j.toUri(),
                                "-Dzookeeper.admin.enableServer=false",
                                "-cp",
                                classpath,
                                "org.apache.zookeeper.server.ZooKeeperServerMain",
                                cfg.toString()),
                        Map.of(),
                        log);
        ZooKeeperProcess zk = new ZooKeeperProcess(process, port);
        try {
            Poll.until(
                    "ZooKeeper to serve on port " + port,
                    Duration.ofSeconds(60),
                    () -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("ZooKeeper exited");
                        }
                        return zk.fourLetterWord("srvr").contains("Mode: standalone");
                    },
                    () -> process.tail(40));
        } catch (InterruptedException | RuntimeException | Error e) {
            process.kill();
            throw e;
        }
        return zk;
    }

    /** {@code 127.0.0.1:port}, for {@code high-availability.zookeeper.quorum}. */
    String quorum() {
        return "127.0.0.1:" + port;
    }

    JvmProcess process() {
        return process;
    }

    private String fourLetterWord(String word) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }

    @Override
    public void close() {
        process.kill();
    }
}
