package io.github.mctunnel.client.http;

import io.github.mctunnel.client.auth.CanonicalRequest;
import io.github.mctunnel.client.auth.RequestSigner;
import io.github.mctunnel.client.auth.SignatureV2;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.FakeHttpServer.Recorded;
import io.github.mctunnel.client.http.FakeHttpServer.Reply;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransportAndRetryTest {

    private FakeHttpServer server;
    private FakeTime time;
    private HttpTransport transport;

    @BeforeEach
    void setUp() throws IOException {
        server = new FakeHttpServer();
        time = new FakeTime(Instant.parse("2024-01-01T00:00:00Z"));
        transport =
                new HttpTransport(
                        TransportSettings.defaults(),
                        new RequestSigner(StaticCredentialsProvider.of("ak", "sk"), null, time),
                        "p",
                        time);
    }

    @AfterEach
    void tearDown() throws IOException {
        transport.close();
        server.close();
    }

    private RetryingCaller caller(RetryPolicy policy) {
        return new RetryingCaller(transport, policy, time, time, () -> 0.0);
    }

    private TunnelRequest.Builder request(String method, String path) {
        return TunnelRequest.builder(method, server.uri(), path)
                .context(ErrorContext.of("test call").withTable("p.t"));
    }

    @Test
    void requestLineHeadersAndSignatureAreWhatTheServiceExpects() throws Exception {
        server.script(Reply.json("{}"));
        TunnelRequest req =
                request("POST", "/projects/p/tables/a b")
                        .param("uploads", null)
                        .param("partition", "pt=a b,region=汉")
                        .param("rowrange", "(0,2)")
                        .header("x-odps-tunnel-version", "6")
                        .build();
        caller(RetryPolicy.none()).call(req, r -> null);

        Recorded got = server.requests().get(0);
        assertThat(got.rawTarget())
                .isEqualTo(
                        "/projects/p/tables/a%20b?uploads&partition=pt%3Da%20b%2Cregion%3D%E6%B1%89"
                                + "&rowrange=%280%2C2%29&curr_project=p");
        assertThat(got.header("Date")).isEqualTo("Mon, 01 Jan 2024 00:00:00 GMT");
        assertThat(got.header("Content-Type")).isNull();
        assertThat(got.header("Accept-Encoding")).isNull();
        String expected =
                "ODPS ak:"
                        + SignatureV2.sign(
                                "sk",
                                CanonicalRequest.stringToSign(
                                        "POST", got.headers(), got.path(), got.params()));
        assertThat(got.header("Authorization")).isEqualTo(expected);
        assertThat(CanonicalRequest.stringToSign("POST", got.headers(), got.path(), got.params()))
                .endsWith(
                        "x-odps-tunnel-version:6\nx-odps-user-agent:mctunnel-java/0.1\n"
                                + "/projects/p/tables/a b?curr_project=p&partition=pt=a b,region=汉"
                                + "&rowrange=(0,2)&uploads");
    }

    @Test
    void signedContentTypeIsTheOneOnTheWireForBodies() throws Exception {
        server.script(Reply.json("{}"), Reply.json("{}"));
        byte[] body = "abc".getBytes(StandardCharsets.UTF_8);
        caller(RetryPolicy.none())
                .call(
                        request("PUT", "/r")
                                .header("Content-Type", "application/octet-stream")
                                .body(RequestBody.bytes(body, 0, 3))
                                .build(),
                        r -> null);
        caller(RetryPolicy.none())
                .call(
                        request("PUT", "/r")
                                .header("Content-Type", "application/octet-stream")
                                .body(RequestBody.streamed(out -> out.write(body)))
                                .build(),
                        r -> null);
        for (Recorded got : server.requests()) {
            assertThat(got.headerList().stream().filter(h -> h[0].equalsIgnoreCase("Content-Type")))
                    .hasSize(1);
            assertThat(got.body()).isEqualTo(body);
            String sts =
                    CanonicalRequest.stringToSign("PUT", got.headers(), got.path(), got.params());
            assertThat(sts).startsWith("PUT\n\napplication/octet-stream\n");
            assertThat(got.header("Authorization"))
                    .isEqualTo("ODPS ak:" + SignatureV2.sign("sk", sts));
        }
        assertThat(server.requests().get(0).chunked()).isFalse();
        assertThat(server.requests().get(1).chunked()).isTrue();
    }

    @Test
    void retriesWithExactBackoffHonouringRetryAfter() throws Exception {
        server.script(
                Reply.of(503, "{\"Code\":\"ServiceUnavailable\",\"Message\":\"busy\"}"),
                Reply.of(503, "{\"Code\":\"ServiceUnavailable\",\"Message\":\"busy\"}"),
                Reply.of(
                        429,
                        "{\"Code\":\"FlowExceeded\",\"Message\":\"slow down\"}",
                        "Retry-After",
                        "5"),
                Reply.of(500, "{\"Code\":\"InternalServerError\",\"Message\":\"oops\"}"),
                Reply.drop(),
                Reply.of(502, "bad gateway"),
                Reply.json("{\"ok\":1}"));
        String result =
                caller(RetryPolicy.defaults())
                        .call(
                                request("GET", "/r").build(),
                                r -> new String(r.body().readAllBytes()));
        assertThat(result).isEqualTo("{\"ok\":1}");
        assertThat(time.sleeps()).containsExactly(1000L, 2000L, 5000L, 8000L, 16000L, 32000L);
        assertThat(server.requests()).hasSize(7);
    }

    @Test
    void backoffIsCappedAt32sAndJitterIsAdded() throws Exception {
        RetryingCaller caller =
                new RetryingCaller(transport, RetryPolicy.defaults(), time, time, () -> 0.5);
        server.handler(r -> Reply.of(500, "{\"Code\":\"InternalServerError\",\"Message\":\"x\"}"));
        assertThatThrownBy(() -> caller.call(request("GET", "/r").build(), r -> null))
                .isInstanceOf(TunnelException.class);
        assertThat(time.sleeps().subList(0, 8))
                .containsExactly(1050L, 2100L, 4200L, 8400L, 16800L, 33600L, 33600L, 33600L);
        long total = time.sleeps().stream().mapToLong(Long::longValue).sum();
        assertThat(total).isLessThanOrEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(total + 33600L).isGreaterThan(Duration.ofMinutes(10).toMillis());
    }

    @Test
    void givesUpWhenTheNextWaitWouldExceedTheRetryDuration() {
        server.handler(
                r -> Reply.of(503, "{\"Code\":\"ServiceUnavailable\",\"Message\":\"busy\"}"));
        RetryPolicy policy =
                new RetryPolicy(
                        Duration.ofSeconds(1), Duration.ofSeconds(32), Duration.ofSeconds(10), 0);
        assertThatThrownBy(() -> caller(policy).call(request("GET", "/r").build(), r -> null))
                .isInstanceOf(TunnelException.class)
                .hasMessageContaining("HTTP 503");
        assertThat(time.sleeps()).containsExactly(1000L, 2000L, 4000L);
        assertThat(server.requests()).hasSize(4);
    }

    @Test
    void clientErrorsAreNeverRetriedAndNameEverything() {
        server.script(
                Reply.of(
                        404,
                        "{\"Code\":\"NoSuchUpload\",\"Message\":\"The upload does not exist\"}",
                        "x-odps-request-id",
                        "rid-42"));
        TunnelRequest req =
                request("PUT", "/r")
                        .context(
                                ErrorContext.of("write block")
                                        .withTable("p.t")
                                        .withPartition("pt=1")
                                        .withSessionId("UP1")
                                        .withBlockId(3))
                        .build();
        assertThatThrownBy(() -> caller(RetryPolicy.defaults()).call(req, r -> null))
                .isInstanceOfSatisfying(
                        TunnelException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(404);
                            assertThat(e.errorCode()).isEqualTo("NoSuchUpload");
                            assertThat(e.requestId()).isEqualTo("rid-42");
                            assertThat(e.isRetryable()).isFalse();
                        })
                .hasMessage(
                        "write block of p.t (partition=pt=1, session=UP1, block=3) failed: HTTP 404,"
                                + " ErrorCode=NoSuchUpload, ErrorMessage=The upload does not exist,"
                                + " RequestId=rid-42");
        assertThat(time.sleeps()).isEmpty();
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void xmlErrorBodiesAndHoldClientMillisAreRead() {
        server.script(
                Reply.of(
                        400,
                        "<?xml version=\"1.0\"?><Error><Code>InvalidArgument</Code>"
                                + "<Message>bad arg</Message></Error>"),
                Reply.of(503, "{\"Code\":\"Busy\",\"Message\":\"m\",\"HoldClientMillis\":7000}"),
                Reply.json("{}"));
        assertThatThrownBy(
                        () ->
                                caller(RetryPolicy.defaults())
                                        .call(request("GET", "/r").build(), r -> null))
                .hasMessage(
                        "test call of p.t failed: HTTP 400, ErrorCode=InvalidArgument, ErrorMessage=bad arg");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void holdClientMillisRaisesTheWait() throws Exception {
        server.script(
                Reply.of(503, "{\"Code\":\"Busy\",\"Message\":\"m\",\"HoldClientMillis\":7000}"),
                Reply.json("{}"));
        caller(RetryPolicy.defaults()).call(request("GET", "/r").build(), r -> null);
        assertThat(time.sleeps()).containsExactly(7000L);
    }

    @Test
    void streamedBodiesAreSentOnce() {
        server.script(
                Reply.of(503, "{\"Code\":\"ServiceUnavailable\",\"Message\":\"busy\"}"),
                Reply.json("{}"));
        TunnelRequest req =
                request("PUT", "/r").body(RequestBody.streamed(out -> out.write(1))).build();
        assertThatThrownBy(() -> caller(RetryPolicy.defaults()).call(req, r -> null))
                .hasMessageContaining("HTTP 503");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void throttlingClosesTheSharedGateForOtherRequestsOfTheSameTable() throws Exception {
        RetryingCaller caller = caller(RetryPolicy.defaults());
        server.script(
                Reply.of(429, "{\"Code\":\"FlowExceeded\",\"Message\":\"x\"}", "Retry-After", "3"));
        TunnelRequest throttled = request("GET", "/a").backoffKey("ep|p.t").build();
        TunnelRequest.Builder other = request("GET", "/b").backoffKey("ep|p.t");
        // a request that is not retried still closes the gate for everyone else
        assertThatThrownBy(
                        () ->
                                caller.run(
                                        "ep|p.t",
                                        throttled.context(),
                                        false,
                                        () -> caller.transport().open(throttled)))
                .isInstanceOf(TunnelException.class);
        assertThat(caller.gate("ep|p.t").remainingMillis(time)).isEqualTo(3000);
        assertThat(time.sleeps()).isEmpty();
        // the next request of the table waits for the gate, is throttled again (level 2: 2 s, but
        // Retry-After 3 s wins), then succeeds and resets the level
        server.script(
                Reply.of(429, "{\"Code\":\"FlowExceeded\",\"Message\":\"x\"}", "Retry-After", "3"),
                Reply.json("{}"));
        caller.call(request("GET", "/a").backoffKey("ep|p.t").build(), r -> null);
        assertThat(caller.gate("ep|p.t").level()).isZero();
        caller.gate("ep|p.t").throttle(time.millis() + 4000);
        server.script(Reply.json("{}"));
        caller.call(other.build(), r -> null);
        assertThat(time.sleeps()).containsExactly(3000L, 3000L, 4000L);
        assertThat(caller.gate("ep|other").remainingMillis(time)).isZero();
    }

    private RetryingCaller caller(RetryPolicy policy, BackoffGates gates) {
        return new RetryingCaller(transport, policy, time, time, () -> 0.0, gates);
    }

    private static final String SLOT_EXCEEDED = "{\"Code\":\"SlotExceeded\",\"Message\":\"x\"}";

    /** Runs one request once (no retry) through {@code caller}, expecting it to fail. */
    private void throttledOnce(RetryingCaller caller, String key) {
        TunnelRequest throttled = request("PUT", "/a").backoffKey(key).build();
        assertThatThrownBy(
                        () ->
                                caller.run(
                                        key,
                                        throttled.context(),
                                        false,
                                        () -> caller.transport().open(throttled)))
                .isInstanceOf(TunnelException.class)
                .hasMessageContaining("HTTP 429");
    }

    /**
     * The service counts throttles per client address: two clients of one process (two writers of a
     * TaskManager) are one client to it. A throttle answered to one closes the gate for the other,
     * and the other's throttle right after is the second in a row: 2 s, not 1 s.
     */
    @Test
    void clientsOfOneProcessShareTheGateAndTheThrottleCount() throws Exception {
        BackoffGates process = new BackoffGates();
        RetryingCaller first = caller(RetryPolicy.defaults(), process);
        RetryingCaller second = caller(RetryPolicy.defaults(), process);
        server.script(Reply.of(429, SLOT_EXCEEDED), Reply.of(429, SLOT_EXCEEDED), Reply.json("{}"));
        throttledOnce(first, "ep|p.shared");
        second.call(request("PUT", "/b").backoffKey("ep|p.shared").build(), r -> null);
        // waits out the first client's throttle (1 s), is throttled itself (second in a row: 2 s)
        assertThat(time.sleeps()).containsExactly(1000L, 2000L);
        assertThat(second.gate("ep|p.shared")).isSameAs(first.gate("ep|p.shared"));
        // a caller built without a registry has gates of its own
        assertThat(caller(RetryPolicy.defaults()).gate("ep|p.shared"))
                .isNotSameAs(first.gate("ep|p.shared"));
    }

    /**
     * A caller whose retry budget ends before the shared gate opens does not send at all: neither a
     * caller without retries nor one with a budget shorter than the wait (sending would be an
     * attack request for the whole process).
     */
    @Test
    void aCallerWhoseBudgetEndsBeforeTheGateOpensDoesNotSend() throws Exception {
        BackoffGates process = new BackoffGates();
        server.script(Reply.of(429, SLOT_EXCEEDED, "Retry-After", "6"));
        throttledOnce(caller(RetryPolicy.defaults(), process), "ep|p.t");
        int sent = server.requests().size();
        RetryPolicy twoSeconds =
                new RetryPolicy(
                        Duration.ofSeconds(1), Duration.ofSeconds(32), Duration.ofSeconds(2), 0);
        for (RetryPolicy policy : List.of(RetryPolicy.none(), twoSeconds)) {
            assertThatThrownBy(
                            () ->
                                    caller(policy, process)
                                            .call(
                                                    request("GET", "/b")
                                                            .backoffKey("ep|p.t")
                                                            .build(),
                                                    r -> null))
                    .isInstanceOfSatisfying(
                            TunnelException.class,
                            e -> {
                                assertThat(e.errorCode()).isEqualTo(TunnelException.BACKING_OFF);
                                assertThat(e.isRetryable()).isFalse();
                            })
                    .hasMessageContaining(
                            "not sent: the service throttled this process's requests to ep|p.t 1 time(s) in a row")
                    .hasMessageContaining("later than the");
        }
        assertThat(server.requests()).hasSize(sent);
        assertThat(time.sleeps()).isEmpty();
    }

    /**
     * The gate closes for the back-off of its level whatever the throttled caller's own budget: a
     * caller without retries throttled the fourth time in a row closes it for 8 s.
     */
    @Test
    void theGateHoldsForTheLevelsBackoffWhateverTheThrottledCallersBudget() throws Exception {
        BackoffGates process = new BackoffGates();
        RetryingCaller once = caller(RetryPolicy.none(), process);
        for (int i = 0; i < 4; i++) {
            server.script(Reply.of(429, SLOT_EXCEEDED));
            time.sleep(once.gate("ep|p.t").remainingMillis(time));
            throttledOnce(once, "ep|p.t");
        }
        assertThat(once.gate("ep|p.t").level()).isEqualTo(4);
        assertThat(once.gate("ep|p.t").remainingMillis(time)).isEqualTo(8000);
    }

    /** A probe that fails with an Error (out of memory) hands the probe on. */
    @Test
    void aProbeEndingInAnErrorHandsTheProbeOn() throws Exception {
        BackoffGates process = new BackoffGates();
        RetryingCaller caller = caller(RetryPolicy.defaults(), process);
        server.script(Reply.of(429, SLOT_EXCEEDED));
        throttledOnce(caller, "ep|p.t");
        assertThatThrownBy(
                        () ->
                                caller.run(
                                        "ep|p.t",
                                        ErrorContext.of("probe"),
                                        true,
                                        () -> {
                                            throw new OutOfMemoryError("Direct buffer memory");
                                        }))
                .isInstanceOf(OutOfMemoryError.class);
        assertThat(time.sleeps()).containsExactly(1000L);
        // another thread may probe at once (the dead probe does not hold the gate)
        BackoffGate.Turn turn =
                java.util.concurrent.CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        return caller.gate("ep|p.t").awaitTurn(time, time, 0);
                                    } catch (InterruptedException e) {
                                        throw new IllegalStateException(e);
                                    }
                                })
                        .get();
        assertThat(turn.granted()).isTrue();
    }

    @Test
    void ioFailuresAreReportedWithContext() {
        server.handler(r -> Reply.drop());
        TunnelRequest req =
                TunnelRequest.builder("GET", server.uri(), "/r")
                        .context(ErrorContext.of("probe"))
                        .build();
        assertThatThrownBy(() -> caller(RetryPolicy.none()).call(req, r -> null))
                .isInstanceOfSatisfying(
                        TunnelException.class,
                        e -> {
                            assertThat(e.isIoFailure()).isTrue();
                            assertThat(e.isRetryable()).isTrue();
                            assertThat(e.httpStatus()).isZero();
                        })
                .hasMessageStartingWith("probe failed: ErrorMessage=");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void credentialsAreFetchedPerRequestAndStsTokensAreSent() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls =
                new java.util.concurrent.atomic.AtomicInteger();
        HttpTransport rotating =
                new HttpTransport(
                        TransportSettings.defaults(),
                        new RequestSigner(
                                () ->
                                        io.github.mctunnel.client.auth.Credentials.sts(
                                                "ak" + calls.incrementAndGet(),
                                                "sk",
                                                "token-" + calls.get()),
                                null,
                                time),
                        "p",
                        time);
        try (rotating) {
            server.script(Reply.json("{}"), Reply.json("{}"));
            new RetryingCaller(rotating, RetryPolicy.none(), time, time, () -> 0.0)
                    .call(request("GET", "/r").build(), r -> null);
            new RetryingCaller(rotating, RetryPolicy.none(), time, time, () -> 0.0)
                    .call(request("GET", "/r").build(), r -> null);
        }
        assertThat(server.requests().get(0).header("Authorization")).startsWith("ODPS ak1:");
        assertThat(server.requests().get(0).header("authorization-sts-token")).isEqualTo("token-1");
        assertThat(server.requests().get(1).header("Authorization")).startsWith("ODPS ak2:");
        assertThat(server.requests().get(1).header("authorization-sts-token")).isEqualTo("token-2");
    }

    @Test
    void uriEncodingKeepsEndpointPath() {
        assertThat(
                        HttpTransport.buildUri(
                                URI.create("http://h/api/"),
                                "/projects/p q/tunnel",
                                Map.of("service", "")))
                .isEqualTo("http://h/api/projects/p%20q/tunnel?service");
        assertThat(List.of(UrlEncoding.encode("a+b c*~"))).containsExactly("a%2Bb%20c*%7E");
    }

    /** A transport over {@code server} signing with {@code provider}. */
    private RetryingCaller callerSigningWith(
            io.github.mctunnel.client.auth.CredentialsProvider provider, RetryPolicy policy) {
        HttpTransport t =
                new HttpTransport(
                        TransportSettings.defaults(),
                        new RequestSigner(provider, null, time),
                        "p",
                        time);
        return new RetryingCaller(t, policy, time, time, () -> 0.0);
    }

    @Test
    void aTransientCredentialsFailureIsRetriedWithTheBackoffAndNamesTheRequest() throws Exception {
        server.script(Reply.json("{\"ok\":1}"));
        java.util.concurrent.atomic.AtomicInteger asked =
                new java.util.concurrent.atomic.AtomicInteger();
        io.github.mctunnel.client.auth.CredentialsProvider flaky =
                () -> {
                    if (asked.incrementAndGet() <= 2) {
                        throw new IllegalStateException(
                                "STS throttled: {\"AccessKeySecret\":\"leaked-secret\"} from"
                                        + " http://sts/x?token=leaked-token");
                    }
                    return io.github.mctunnel.client.auth.Credentials.of("ak", "sk");
                };

        String result =
                callerSigningWith(flaky, RetryPolicy.defaults())
                        .call(
                                request("GET", "/r").build(),
                                r -> new String(r.body().readAllBytes()));

        assertThat(result).isEqualTo("{\"ok\":1}");
        assertThat(asked.get()).isEqualTo(3);
        assertThat(time.sleeps()).containsExactly(1000L, 2000L);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aCredentialsFailureThatOutlastsTheBudgetNamesTheRequestButNoSecret() {
        io.github.mctunnel.client.auth.CredentialsProvider failing =
                () -> {
                    throw new IllegalStateException(
                            "Could not get credentials (x): {\"AccessKeySecret\":\"leaked-secret\"}"
                                    + " from http://sts/x?token=leaked-token");
                };
        RetryPolicy policy =
                new RetryPolicy(
                        Duration.ofSeconds(1), Duration.ofSeconds(32), Duration.ofSeconds(10), 0);

        assertThatThrownBy(
                        () ->
                                callerSigningWith(failing, policy)
                                        .call(request("GET", "/r").build(), r -> null))
                .isInstanceOfSatisfying(
                        TunnelException.class, e -> assertThat(e.isRetryable()).isTrue())
                .hasMessage(
                        "test call of p.t failed: ErrorMessage=IOException: credentials"
                                + " (TransportAndRetryTest): IllegalStateException: Could not get"
                                + " credentials (x): {\"AccessKeySecret\":\"***\"} from"
                                + " http://sts/x?token=***");
        assertThat(time.sleeps()).containsExactly(1000L, 2000L, 4000L);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void aCredentialsSetupErrorIsNotRetried() {
        io.github.mctunnel.client.auth.CredentialsProvider broken =
                () -> {
                    throw new IllegalArgumentException("no role ARN");
                };

        assertThatThrownBy(
                        () ->
                                callerSigningWith(broken, RetryPolicy.defaults())
                                        .call(request("GET", "/r").build(), r -> null))
                .isInstanceOfSatisfying(
                        TunnelException.class, e -> assertThat(e.isRetryable()).isFalse())
                .hasMessageContaining(
                        "credentials (TransportAndRetryTest):"
                                + " IllegalArgumentException: no role ARN; not retried");
        assertThat(time.sleeps()).isEmpty();
    }
}
