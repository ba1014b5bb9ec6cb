package io.github.mctunnel.emulator.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EmulatorHttpServerTest {

    private EmulatorHttpServer server;

    private int start(RequestHandler handler, RequestInterceptor... interceptors) throws Exception {
        server =
                new EmulatorHttpServer(
                        InetAddress.getLoopbackAddress(), 0, List.of(interceptors), handler);
        server.start();
        return server.port();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String raw(int port, String request) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Like {@link #raw} but keeps what arrived before the connection was reset. */
    private static String rawUntilReset(int port, String request) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    got.write(buf, 0, n);
                }
            } catch (java.net.SocketException reset) {
                got.write("<RESET>".getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void bodylessPostWithoutContentLengthBareKeysAndExactHeaderNames() throws Exception {
        List<String> seen = new ArrayList<>();
        int port =
                start(
                        (req, resp) -> {
                            seen.add(req.method() + " " + req.path() + " " + req.params());
                            seen.add("body=" + req.bodyBytes().length);
                            resp.header("odps-tunnel-slot-num", "3");
                            resp.json(Map.of("Status", "normal"));
                        });
        String answer =
                raw(
                        port,
                        "POST /projects/p%20x/tables/t?curr_project=p&uploads HTTP/1.1\r\n"
                                + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(seen)
                .containsExactly(
                        "POST /projects/p x/tables/t {curr_project=p, uploads=}", "body=0");
        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(answer).contains("\r\nodps-tunnel-slot-num: 3\r\n");
        assertThat(answer).contains("\r\nx-odps-request-id: ");
        assertThat(answer).contains("{\"Status\":\"normal\"}");
        assertThat(answer.toLowerCase()).doesNotContain("gzip");
    }

    @Test
    void chunkedBodyIsReadAndMetaPrefixIsStripped() throws Exception {
        List<String> seen = new ArrayList<>();
        int port =
                start(
                        (req, resp) -> {
                            seen.add(req.isMeta() + " " + req.path());
                            seen.add(new String(req.bodyBytes(), StandardCharsets.UTF_8));
                        });
        String answer =
                raw(
                        port,
                        "PUT /api/projects/p?x=%2B1 HTTP/1.1\r\nHost: h\r\n"
                                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        assertThat(seen).containsExactly("true /projects/p", "hello world");
        assertThat(answer).startsWith("HTTP/1.1 200");
    }

    @Test
    void serviceExceptionIsRenderedAsTunnelJsonOrMetaXmlAndBodyIsDrained() throws Exception {
        int port =
                start(
                        (req, resp) -> {
                            throw new ServiceException(429, "FlowExceeded", "slow down")
                                    .withHeader("Retry-After", "2");
                        });
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> tunnel =
                client.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + port
                                                        + "/projects/p/tables/t"))
                                .PUT(
                                        HttpRequest.BodyPublishers.ofInputStream(
                                                () -> new ByteArrayInputStream(new byte[100_000])))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(tunnel.statusCode()).isEqualTo(429);
        assertThat(tunnel.headers().firstValue("Retry-After")).contains("2");
        String id = tunnel.headers().firstValue("x-odps-request-id").orElseThrow();
        assertThat(tunnel.body())
                .isEqualTo(
                        "{\"Code\":\"FlowExceeded\",\"Message\":\"slow down\",\"RequestId\":\""
                                + id
                                + "\"}");
        HttpResponse<String> meta =
                client.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/api/projects/p"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(meta.body())
                .contains("<Error><Code>FlowExceeded</Code><Message>slow down</Message>");
        assertThat(meta.headers().firstValue("Content-Type")).contains("application/xml");
    }

    @Test
    void streamedBodyIsChunkedAndCanBeCutAfterBytes() throws Exception {
        int port =
                start(
                        (req, resp) -> {
                            resp.stream(null, out -> out.write(new byte[1000]));
                            if (req.hasParam("cut")) {
                                resp.dropAfterBytes(10);
                            }
                        });
        String ok =
                raw(
                        port,
                        "GET /projects/p/tables/t?data HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        assertThat(ok).contains("Transfer-Encoding: chunked");
        String cut =
                rawUntilReset(
                        port,
                        "GET /projects/p/tables/t?data&cut HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        assertThat(cut).startsWith("HTTP/1.1 200");
        assertThat(cut)
                .contains("Content-Length: 1000\r\n")
                .endsWith("\r\n\r\n" + "\0".repeat(10) + "<RESET>");
    }

    @Test
    void streamedBodyIsSentWhileItIsProduced() throws Exception {
        CountDownLatch firstPieceArrived = new CountDownLatch(1);
        int port =
                start(
                        (req, resp) ->
                                resp.stream(
                                        null,
                                        out -> {
                                            out.write("first|".getBytes(StandardCharsets.UTF_8));
                                            out.flush();
                                            // The rest is only written once the client has read
                                            // the first piece: a buffered body would never end.
                                            try {
                                                assertThat(
                                                                firstPieceArrived.await(
                                                                        30, TimeUnit.SECONDS))
                                                        .isTrue();
                                            } catch (InterruptedException e) {
                                                throw new java.io.InterruptedIOException();
                                            }
                                            out.write("second".getBytes(StandardCharsets.UTF_8));
                                        }));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream()
                    .write(
                            "GET /projects/p/tables/t?data HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
                                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[256];
            while (!got.toString(StandardCharsets.ISO_8859_1).contains("first|")) {
                int n = in.read(buf);
                assertThat(n).isPositive();
                got.write(buf, 0, n);
            }
            firstPieceArrived.countDown();
            in.transferTo(got);
            assertThat(got.toString(StandardCharsets.ISO_8859_1))
                    .contains("Transfer-Encoding: chunked")
                    .contains("second")
                    .endsWith("0\r\n\r\n");
        }
    }

    @Test
    void streamedBodyThatFailsHalfWayIsCutWithoutTheChunkedEnd() throws Exception {
        int port =
                start(
                        (req, resp) ->
                                resp.stream(
                                        null,
                                        out -> {
                                            out.write("partial".getBytes(StandardCharsets.UTF_8));
                                            out.flush();
                                            throw new ServiceException(
                                                    408, "RequestTimeOut", "too slow");
                                        }));
        String got =
                rawUntilReset(
                        port,
                        "GET /projects/p/tables/t?data HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        assertThat(got).startsWith("HTTP/1.1 200").contains("partial").doesNotContain("0\r\n\r\n");
    }

    @Test
    void idleConnectionsAreClosedAfterTheConfiguredTimeout() throws Exception {
        server =
                new EmulatorHttpServer(
                        InetAddress.getLoopbackAddress(),
                        0,
                        List.of(),
                        (req, resp) -> resp.body(new byte[0], "text/plain"),
                        java.time.Duration.ofMillis(300));
        server.start();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            // The server, not this 30 s guard, ends the silent connection.
            s.setSoTimeout(30_000);
            long started = System.nanoTime();
            int read;
            try {
                read = s.getInputStream().read();
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            assertThat(read).isEqualTo(-1);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
                    .isLessThan(java.time.Duration.ofSeconds(20));
        }
    }

    @Test
    void sixteenConcurrentClientsAreServedAtOnce() throws Exception {
        CountDownLatch all = new CountDownLatch(16);
        int port =
                start(
                        (req, resp) -> {
                            all.countDown();
                            // Every request waits until all 16 are inside the handler at once.
                            assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
                            resp.body("ok".getBytes(StandardCharsets.UTF_8), "text/plain");
                        });
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(
                        pool.submit(
                                () ->
                                        raw(
                                                port,
                                                "GET /projects/p/tables/t HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")));
            }
            for (Future<String> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200").endsWith("ok");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void interceptorsSeeEveryOutcome() throws Exception {
        List<String> outcomes = new ArrayList<>();
        RequestInterceptor recorder =
                new RequestInterceptor() {
                    @Override
                    public void before(EmulatorRequest req, EmulatorResponse resp) {
                        if (req.hasParam("deny")) {
                            throw new ServiceException(401, "Unauthorized", "no");
                        }
                    }

                    @Override
                    public void completed(EmulatorRequest req, int status, String code) {
                        synchronized (outcomes) {
                            outcomes.add(status + " " + code);
                        }
                    }
                };
        int port = start((req, resp) -> {}, recorder);
        raw(port, "GET /projects/p/tables/t HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        raw(port, "GET /projects/p/tables/t?deny HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        synchronized (outcomes) {
            assertThat(outcomes).containsExactly("200 null", "401 Unauthorized");
        }
    }

    @Test
    void unreadBodyOfEarlierRequestDoesNotCorruptKeepAlive() throws Exception {
        int port =
                start(
                        (req, resp) ->
                                resp.body(
                                        req.path().getBytes(StandardCharsets.UTF_8), "text/plain"));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write(
                    ("PUT /projects/a/tables/t HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                                    + "GET /projects/b/tables/t HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            assertThat(text).contains("/projects/a/tables/t").contains("/projects/b/tables/t");
        }
    }
}
