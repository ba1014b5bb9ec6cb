package io.github.mctunnel.client.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A loopback stand-in for the endpoints Alibaba Cloud's credentials library fetches temporary
 * credentials from: a credentials URI ({@code GET /credentials}), the ECS metadata service ({@code
 * PUT /latest/api/token}, {@code GET /latest/meta-data/ram/security-credentials/[role]}) and STS
 * ({@code POST /?Action=AssumeRoleWithOIDC}). Each fetch hands out the next of the queued
 * credentials (the last one again when the queue is used up), each with its own expiration.
 */
public final class FakeCredentialsEndpoint implements AutoCloseable {

    /**
     * Credentials to hand out, valid for {@code validFor} from the moment they are handed out (to
     * the second: the library parses whole seconds).
     */
    public record Issued(String accessId, String secret, String token, Duration validFor) {
        public static Issued validFor(String accessId, String secret, String token, Duration d) {
            return new Issued(accessId, secret, token, d);
        }

        /**
         * Credentials the library refreshes about {@code refreshAfter} after fetching them (at most
         * a second earlier): it refreshes 15 minutes before the expiration.
         */
        public static Issued refreshedAfter(
                String accessId, String secret, String token, Duration refreshAfter) {
            return new Issued(accessId, secret, token, refreshAfter.plusMinutes(15));
        }

        Instant expiration() {
            return Instant.now().plus(validFor).truncatedTo(ChronoUnit.SECONDS);
        }
    }

    /** One request the fake answered. */
    public record Seen(String method, String path, String query, String body, String imdsToken) {}

    public static final String ROLE = "mctunnel-ecs-role";
    public static final String IMDS_TOKEN = "imds-session-token-1";

    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final HttpServer server;
    private final List<Issued> queue = new ArrayList<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private int issued;

    private FakeCredentialsEndpoint(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.start();
    }

    /** A plain-HTTP fake on 127.0.0.1. */
    public static FakeCredentialsEndpoint http() throws IOException {
        return new FakeCredentialsEndpoint(
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    }

    /**
     * An HTTPS fake on 127.0.0.1 serving the certificate of {@code keyStore} (PKCS12, password
     * {@code password}).
     */
    public static FakeCredentialsEndpoint https(Path keyStore, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        HttpsServer server =
                HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        return new FakeCredentialsEndpoint(server);
    }

    /**
     * Creates a PKCS12 key store with a self-signed certificate for the IP address 127.0.0.1 (with
     * the JDK's keytool).
     */
    public static void createKeyStore(Path keyStore, String password) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p =
                new ProcessBuilder(
                                keytool.toString(),
                                "-genkeypair",
                                "-alias",
                                "fake-sts",
                                "-keyalg",
                                "RSA",
                                "-keysize",
                                "2048",
                                "-validity",
                                "2",
                                "-dname",
                                "CN=127.0.0.1",
                                "-ext",
                                "san=ip:127.0.0.1",
                                "-storetype",
                                "PKCS12",
                                "-keystore",
                                keyStore.toString(),
                                "-storepass",
                                password,
                                "-keypass",
                                password)
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }

    /** Queues credentials to hand out, in order. */
    public synchronized FakeCredentialsEndpoint issue(Issued credentials) {
        queue.add(credentials);
        return this;
    }

    /** Queues a failure: the fetch in this place is answered with HTTP 500. */
    public synchronized FakeCredentialsEndpoint fail() {
        queue.add(new Issued(null, null, null, null));
        return this;
    }

    /** How many fetches were answered so far (credentials and failures). */
    public synchronized int issuedCount() {
        return issued;
    }

    public List<Seen> requests() {
        return List.copyOf(seen);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http(s)://127.0.0.1:port} */
    public String hostAndPort() {
        return "127.0.0.1:" + port();
    }

    public String url(String path) {
        return (server instanceof HttpsServer ? "https://" : "http://") + hostAndPort() + path;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private synchronized Issued next() {
        if (queue.isEmpty()) {
            return null;
        }
        Issued c = queue.get(Math.min(issued, queue.size() - 1));
        issued++;
        return c.accessId() == null ? null : c;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            String body =
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(
                    new Seen(
                            method,
                            path,
                            query,
                            body,
                            exchange.getRequestHeaders().getFirst("X-aliyun-ecs-metadata-token")));
            String metadata = "/latest/meta-data/ram/security-credentials/";
            if (method.equals("PUT") && path.equals("/latest/api/token")) {
                reply(exchange, 200, "text/plain", IMDS_TOKEN);
            } else if (method.equals("GET") && path.equals(metadata)) {
                reply(exchange, 200, "text/plain", ROLE);
            } else if (method.equals("GET") && path.equals(metadata + ROLE)) {
                Issued c = next();
                reply(exchange, c == null ? 500 : 200, "text/plain", json(c));
            } else if (method.equals("GET") && path.equals("/credentials")) {
                Issued c = next();
                reply(exchange, c == null ? 500 : 200, "application/json", json(c));
            } else if (method.equals("POST")
                    && query != null
                    && query.contains("Action=AssumeRoleWithOIDC")) {
                Issued c = next();
                reply(
                        exchange,
                        c == null ? 500 : 200,
                        "application/json",
                        c == null
                                ? "no credentials queued"
                                : "{\"RequestId\":\"r-1\",\"Credentials\":"
                                        + json(c).replace("\"Code\":\"Success\",", "")
                                        + "}");
            } else {
                reply(exchange, 404, "text/plain", "not found");
            }
        }
    }

    private static String json(Issued c) {
        if (c == null) {
            return "no credentials queued";
        }
        return "{\"Code\":\"Success\",\"AccessKeyId\":\""
                + c.accessId()
                + "\",\"AccessKeySecret\":\""
                + c.secret()
                + "\",\"SecurityToken\":\""
                + c.token()
                + "\",\"Expiration\":\""
                + ISO.format(c.expiration())
                + "\"}";
    }

    private static void reply(HttpExchange exchange, int status, String type, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
