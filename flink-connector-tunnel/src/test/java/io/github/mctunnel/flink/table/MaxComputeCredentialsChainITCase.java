package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.auth.EmulatorCredential;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.aliyun.credentials.utils.AuthUtils;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code 'credentials.provider' = 'default-chain'}: a SQL job whose credentials come from Alibaba
 * Cloud's default credentials chain, here from its credentials-URI link (a loopback fake; the
 * chain's earlier links find nothing on a test machine, the CLI profile and ECS metadata links are
 * switched off). The fake hands out short-lived STS credentials until the job, halfway through its
 * rows, rotates them; the job goes on without a restart, signing every later request with the new
 * ones, and every row arrives once. The emulator accepts both key pairs, each bound to its own STS
 * token, as the service accepts temporary credentials until they expire.
 */
class MaxComputeCredentialsChainITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int ROWS = 2000;

    private static TunnelEmulator emulator;
    private static RotatingCredentialsUri fake;

    @BeforeAll
    static void start() throws Exception {
        fake = new RotatingCredentialsUri();
        emulator =
                TunnelEmulator.builder()
                        .credential(
                                new EmulatorCredential("STS.first", "first-secret", "first-token"))
                        .credential(
                                new EmulatorCredential(
                                        "STS.second", "second-secret", "second-token"))
                        .build()
                        .start();
        // the chain's links before the credentials URI find nothing, whatever this machine has
        AuthUtils.setEnvironmentAccessKeyId("");
        AuthUtils.setEnvironmentAccessKeySecret("");
        AuthUtils.setEnvironmentSecurityToken("");
        AuthUtils.setEnvironmentRoleArn("");
        AuthUtils.setEnvironmentCredentialsFile("");
        AuthUtils.disableCLIProfile(true);
        AuthUtils.disableECSMetaData(true);
        AuthUtils.setEnvironmentCredentialsURI(fake.url());
        // providers are shared per JVM: this class's chain must be built from the settings above
        io.github.mctunnel.flink.config.AliyunCredentialsProviderFactory.clearSharedProviders();
    }

    @AfterAll
    static void stop() {
        io.github.mctunnel.flink.config.AliyunCredentialsProviderFactory.clearSharedProviders();
        AuthUtils.setEnvironmentCredentialsURI(null);
        AuthUtils.disableECSMetaData(false);
        AuthUtils.disableCLIProfile(false);
        AuthUtils.setEnvironmentAccessKeyId(null);
        AuthUtils.setEnvironmentAccessKeySecret(null);
        AuthUtils.setEnvironmentSecurityToken(null);
        AuthUtils.setEnvironmentRoleArn(null);
        AuthUtils.setEnvironmentCredentialsFile(null);
        if (emulator != null) {
            emulator.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    /**
     * A credentials URI: hands out the first STS credentials, which the library refreshes 1 to 2
     * seconds after fetching them, until {@link #rotate()}; then the second ones, good for an hour.
     */
    static final class RotatingCredentialsUri implements AutoCloseable {
        private static final DateTimeFormatter ISO =
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

        private final HttpServer server;
        private volatile boolean rotated;

        /** When the last first credentials handed out turn stale (15 min before they expire). */
        private final AtomicLong firstStaleAtMillis = new AtomicLong();

        final AtomicInteger firstIssued = new AtomicInteger();
        final AtomicInteger secondIssued = new AtomicInteger();

        RotatingCredentialsUri() throws Exception {
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext(
                    "/credentials",
                    exchange -> {
                        try (exchange) {
                            String body;
                            synchronized (this) {
                                body = rotated ? second() : first();
                            }
                            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                            exchange.getResponseHeaders().set("Content-Type", "application/json");
                            exchange.sendResponseHeaders(200, bytes.length);
                            try (OutputStream out = exchange.getResponseBody()) {
                                out.write(bytes);
                            }
                        }
                    });
            server.start();
        }

        private String first() {
            Instant expiration =
                    Instant.now().plusSeconds(15 * 60 + 2).truncatedTo(ChronoUnit.SECONDS);
            firstStaleAtMillis.accumulateAndGet(
                    expiration.minusSeconds(15 * 60).toEpochMilli(), Math::max);
            firstIssued.incrementAndGet();
            return json("STS.first", "first-secret", "first-token", expiration);
        }

        private String second() {
            secondIssued.incrementAndGet();
            return json(
                    "STS.second",
                    "second-secret",
                    "second-token",
                    Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
        }

        private static String json(String id, String secret, String token, Instant expiration) {
            return "{\"Code\":\"Success\",\"AccessKeyId\":\""
                    + id
                    + "\",\"AccessKeySecret\":\""
                    + secret
                    + "\",\"SecurityToken\":\""
                    + token
                    + "\",\"Expiration\":\""
                    + ISO.format(expiration)
                    + "\"}";
        }

        /**
         * From now on hands out the second credentials; returns when every client holding the first
         * ones refreshes on its next request (their stale time has passed), and half a second
         * later, so that requests signed before that moment have arrived.
         */
        void rotate() {
            long staleAt;
            synchronized (this) {
                rotated = true;
                staleAt = firstStaleAtMillis.get();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.currentTimeMillis() <= staleAt + 500 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/credentials";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Requests signed with the first credentials the emulator had accepted at the rotation. */
    private static final AtomicLong FIRST_AT_ROTATION = new AtomicLong(-1);

    /** {@code (id, 'n' + id)}; rotates the credentials when it reaches the middle row. */
    public static final class RotateHalfway implements MapFunction<Long, Tuple2<Long, String>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Tuple2<Long, String> map(Long id) {
            if (id == ROWS / 2) {
                // the job has been writing with the first credentials; the MiniCluster runs in
                // this JVM, so the fake and the emulator are at hand
                assertThat(fake.firstIssued.get()).isPositive();
                fake.rotate();
                FIRST_AT_ROTATION.set(emulator.requestsSignedBy("STS.first"));
            }
            return Tuple2.of(id, "n" + id);
        }
    }

    @Test
    void aJobKeepsWritingAcrossACredentialRotationWithoutARestart() throws Exception {
        emulator.executeSql("CREATE TABLE rotated (id BIGINT, name STRING)");
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment streamEnv =
                StreamExecutionEnvironment.getExecutionEnvironment(conf);
        streamEnv.setParallelism(2);
        streamEnv.enableCheckpointing(300);
        StreamTableEnvironment env = StreamTableEnvironment.create(streamEnv);
        DataStream<Tuple2<Long, String>> rows =
                streamEnv
                        .fromSequence(1, ROWS)
                        .setParallelism(1)
                        .map(new RotateHalfway())
                        .setParallelism(1);
        env.createTemporaryView("src", env.fromDataStream(rows));
        env.executeSql(
                "CREATE TABLE rotated (id BIGINT, name STRING) WITH ("
                        + "'connector' = 'maxcompute', 'endpoint' = '"
                        + emulator.odpsEndpoint()
                        + "', 'tunnel.endpoint' = '"
                        + emulator.tunnelEndpoint()
                        + "', 'project' = '"
                        + emulator.defaultProject()
                        + "', 'table' = 'rotated', 'credentials.provider' = 'default-chain',"
                        + " 'sink.buffer-flush.max-rows' = '100')");

        env.executeSql("INSERT INTO rotated SELECT f0, f1 FROM src").await();

        List<Long> ids = new ArrayList<>();
        for (Object[] row :
                emulator.committedRows(
                        TableIdentifier.of(emulator.defaultProject(), "rotated"),
                        PartitionSpec.parse(""))) {
            Object name =
                    row[1] instanceof byte[]
                            ? new String((byte[]) row[1], StandardCharsets.UTF_8)
                            : row[1];
            assertThat(name).isEqualTo("n" + row[0]);
            ids.add((Long) row[0]);
        }
        ids.sort(null);
        List<Long> expected = new ArrayList<>();
        for (long id = 1; id <= ROWS; id++) {
            expected.add(id);
        }
        assertThat(ids).isEqualTo(expected);
        // both credentials were handed out and signed accepted requests; none was refused
        assertThat(fake.firstIssued.get()).isPositive();
        assertThat(fake.secondIssued.get()).isPositive();
        // after the rotation not one request was signed with the first credentials
        assertThat(FIRST_AT_ROTATION.get()).isPositive();
        assertThat(emulator.requestsSignedBy("STS.first")).isEqualTo(FIRST_AT_ROTATION.get());
        assertThat(emulator.requestsSignedBy("STS.second")).isPositive();
        assertThat(emulator.requestLog().entries(e -> e.status() == 401 || e.status() == 403))
                .isEmpty();
    }
}
