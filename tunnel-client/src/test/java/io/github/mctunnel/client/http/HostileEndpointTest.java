package io.github.mctunnel.client.http;

import io.github.mctunnel.client.auth.Credentials;
import io.github.mctunnel.client.auth.RequestSigner;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.FakeHttpServer.Reply;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Failures no retry can cure fail at once, service waits cannot exceed the retry budget, and STS
 * tokens over plain HTTP are warned about.
 */
class HostileEndpointTest {

    private static final URI ENDPOINT = URI.create("https://tunnel.example.com/api");

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

    private RetryingCaller caller() {
        return new RetryingCaller(transport, RetryPolicy.defaults(), time, time, () -> 0.0);
    }

    private TunnelRequest request(URI endpoint) {
        return TunnelRequest.builder("GET", endpoint, "/r")
                .context(ErrorContext.of("test call").withTable("p.t"))
                .build();
    }

    /** Runs an attempt failing with {@code cause} through the retry loop; returns the error. */
    private TunnelException failOnceWith(IOException cause, AtomicInteger attempts) {
        TunnelRequest request = request(ENDPOINT);
        try {
            caller().run(
                            "k",
                            request.context(),
                            true,
                            () -> {
                                attempts.incrementAndGet();
                                throw HttpTransport.failureOf(request, cause);
                            });
        } catch (TunnelException e) {
            return e;
        }
        throw new AssertionError("no failure");
    }

    @Test
    void unknownHostFailsAtOnceNamingTheEndpoint() {
        AtomicInteger attempts = new AtomicInteger();
        TunnelException e = failOnceWith(new UnknownHostException("tunnel.example.com"), attempts);
        assertThat(attempts).hasValue(1);
        assertThat(time.sleeps()).isEmpty();
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.serviceMessage())
                .isEqualTo(
                        "unknown host tunnel.example.com of endpoint https://tunnel.example.com/api"
                                + " (UnknownHostException); not retried: check the endpoint");
        assertThat(e.getCause()).isInstanceOf(UnknownHostException.class);
    }

    @Test
    void unknownHostOfARealRequestIsNotRetried() {
        URI nowhere = URI.create("http://no-such-host.invalid:" + server.uri().getPort() + "/api");
        assertThatThrownBy(() -> caller().call(request(nowhere), r -> null))
                .isInstanceOfSatisfying(
                        TunnelException.class, e -> assertThat(e.isRetryable()).isFalse())
                .hasMessageContaining("unknown host no-such-host.invalid of endpoint " + nowhere);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void tlsHandshakeFailuresFailAtOnceNamingTheEndpoint() {
        AtomicInteger attempts = new AtomicInteger();
        TunnelException e =
                failOnceWith(new SSLHandshakeException("Remote host terminated"), attempts);
        assertThat(attempts).hasValue(1);
        assertThat(time.sleeps()).isEmpty();
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.serviceMessage())
                .isEqualTo(
                        "TLS handshake with endpoint https://tunnel.example.com/api failed"
                                + " (SSLHandshakeException: Remote host terminated); not retried:"
                                + " check the endpoint's certificate and the JVM's trust store");
    }

    @Test
    void certificateFailuresFailAtOnceNamingTheEndpoint() {
        AtomicInteger attempts = new AtomicInteger();
        SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
        handshake.initCause(new CertificateException("unable to find valid certification path"));
        TunnelException e = failOnceWith(handshake, attempts);
        assertThat(attempts).hasValue(1);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.serviceMessage())
                .isEqualTo(
                        "certificate of endpoint https://tunnel.example.com/api not accepted"
                                + " (CertificateException: unable to find valid certification"
                                + " path); not retried: check the endpoint's certificate and the"
                                + " JVM's trust store");

        TunnelException peer =
                failOnceWith(new SSLPeerUnverifiedException("peer not authenticated"), attempts);
        assertThat(attempts).hasValue(2);
        assertThat(peer.isRetryable()).isFalse();
        assertThat(peer.serviceMessage())
                .isEqualTo(
                        "certificate of endpoint https://tunnel.example.com/api not accepted"
                                + " (SSLPeerUnverifiedException: peer not authenticated); not"
                                + " retried: check the endpoint's certificate and the JVM's trust"
                                + " store");

        IOException wrapped = new IOException("wrapped", new CertificateException("expired"));
        assertThat(failOnceWith(wrapped, attempts).isRetryable()).isFalse();
        assertThat(attempts).hasValue(3);
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void otherIoFailuresAreStillRetried() {
        AtomicInteger attempts = new AtomicInteger();
        TunnelRequest request = request(ENDPOINT);
        TunnelException e = HttpTransport.failureOf(request, new IOException("Connection reset"));
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.serviceMessage()).isEqualTo("IOException: Connection reset");
        assertThat(attempts).hasValue(0);
    }

    @Test
    void aHugeHoldClientMillisGivesUpAtOnceWithoutOverflow() {
        server.script(
                Reply.of(
                        503,
                        "{\"Code\":\"Busy\",\"Message\":\"m\",\"HoldClientMillis\":"
                                + Long.MAX_VALUE
                                + "}"),
                Reply.json("{}"));
        RetryingCaller caller = caller();
        assertThatThrownBy(() -> caller.call(request(server.uri()), r -> null))
                .isInstanceOfSatisfying(
                        TunnelException.class,
                        e -> assertThat(e.retryAfterMillis()).isEqualTo(Long.MAX_VALUE))
                .hasMessageContaining("HTTP 503");
        // no retry sooner than the service asked: no sleep, no second request
        assertThat(time.sleeps()).isEmpty();
        assertThat(server.requests()).hasSize(1);
        // the shared gate closes for its longest hold (no overflow into the past)
        assertThat(caller.gate(request(server.uri()).backoffKey()).remainingMillis(time))
                .isEqualTo(BackoffGate.MAX_HOLD_MILLIS);
    }

    @Test
    void aRetryAfterThatOverflowsMillisGivesUpAtOnce() {
        server.script(
                Reply.of(
                        429,
                        "{\"Code\":\"FlowExceeded\",\"Message\":\"x\"}",
                        "Retry-After",
                        "99999999999999999"),
                Reply.json("{}"));
        assertThatThrownBy(() -> caller().call(request(server.uri()), r -> null))
                .isInstanceOfSatisfying(
                        TunnelException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(429);
                            assertThat(e.retryAfterMillis()).isEqualTo(Long.MAX_VALUE);
                        });
        assertThat(time.sleeps()).isEmpty();
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aServiceWaitLongerThanWhatIsLeftOfTheBudgetGivesUpAtOnce() {
        // 1 s, 2 s, 4 s of back-off (7 s used of 10 minutes), then the service asks for a day
        server.script(
                Reply.of(503, "{\"Code\":\"ServiceUnavailable\",\"Message\":\"busy\"}"),
                Reply.of(503, "{\"Code\":\"ServiceUnavailable\",\"Message\":\"busy\"}"),
                Reply.of(503, "{\"Code\":\"ServiceUnavailable\",\"Message\":\"busy\"}"),
                Reply.of(
                        429,
                        "{\"Code\":\"FlowExceeded\",\"Message\":\"x\"}",
                        "Retry-After",
                        "86400"),
                Reply.json("{}"));
        assertThatThrownBy(() -> caller().call(request(server.uri()), r -> null))
                .isInstanceOf(TunnelException.class)
                .hasMessageContaining("HTTP 429");
        assertThat(time.sleeps()).containsExactly(1000L, 2000L, 4000L);
        assertThat(server.requests()).hasSize(4);
    }

    @Test
    void aServiceWaitOfExactlyWhatIsLeftIsWaitedInFull() throws Exception {
        // 1 s of back-off, then a Retry-After of the 599 s left: retried after all of it
        server.script(
                Reply.of(503, "{\"Code\":\"ServiceUnavailable\",\"Message\":\"busy\"}"),
                Reply.of(
                        429, "{\"Code\":\"FlowExceeded\",\"Message\":\"x\"}", "Retry-After", "599"),
                Reply.json("{}"));
        caller().call(request(server.uri()), r -> null);
        assertThat(time.sleeps()).containsExactly(1000L, 599_000L);
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void aRetryGivesUpWhenAnotherRequestClosedTheGateBeyondTheBudget() {
        RetryingCaller caller = caller();
        AtomicInteger attempts = new AtomicInteger();
        TunnelRequest request = request(ENDPOINT);
        assertThatThrownBy(
                        () ->
                                caller.run(
                                        "k",
                                        request.context(),
                                        true,
                                        () -> {
                                            if (attempts.incrementAndGet() == 1) {
                                                // a call that started 500 ms later is
                                                // throttled for its whole budget
                                                caller.gate("k").throttle(time.millis() + 600_500L);
                                            }
                                            throw HttpTransport.failureOf(
                                                    request, new IOException("Connection reset"));
                                        }))
                .isInstanceOf(TunnelException.class)
                .hasMessageContaining("Connection reset");
        // 1 s back-off; the gate then stays closed 599.5 s, 599 s are left: not sent early
        assertThat(time.sleeps()).containsExactly(1000L);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aGateClosedForAgesFailsOtherRequestsAtOnceWithoutSendingThem() throws Exception {
        RetryingCaller caller = caller();
        server.script(
                Reply.of(
                        503,
                        "{\"Code\":\"Busy\",\"Message\":\"m\",\"HoldClientMillis\":1000000000000000}"),
                Reply.json("{}"));
        TunnelRequest throttled =
                TunnelRequest.builder("GET", server.uri(), "/a")
                        .context(ErrorContext.of("test call"))
                        .backoffKey("ep|p.t")
                        .build();
        assertThatThrownBy(
                        () ->
                                caller.run(
                                        "ep|p.t",
                                        throttled.context(),
                                        false,
                                        () -> caller.transport().open(throttled)))
                .isInstanceOf(TunnelException.class);
        assertThat(caller.gate("ep|p.t").remainingMillis(time))
                .isEqualTo(BackoffGate.MAX_HOLD_MILLIS);
        assertThatThrownBy(
                        () ->
                                caller.call(
                                        TunnelRequest.builder("GET", server.uri(), "/b")
                                                .context(ErrorContext.of("test call"))
                                                .backoffKey("ep|p.t")
                                                .build(),
                                        r -> null))
                .isInstanceOfSatisfying(
                        TunnelException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(TunnelException.BACKING_OFF))
                .hasMessage(
                        "test call failed: ErrorCode=ClientBackingOff, ErrorMessage=not sent: the"
                                + " service throttled this process's requests to ep|p.t 1 time(s)"
                                + " in a row and its back-off ends in 3600000 ms (or after another"
                                + " request's probe), later than the 600000 ms left of the retry"
                                + " budget (retry.max-duration)");
        assertThat(time.sleeps()).isEmpty();
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void stsTokensOverPlainHttpAreWarnedAboutOncePerEndpoint() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        String loggerName = HttpTransport.class.getName();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        AbstractAppender appender =
                new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        if (event.getLevel() == Level.WARN) {
                            warnings.add(event.getMessage().getFormattedMessage());
                        }
                    }
                };
        appender.start();
        LoggerConfig loggerConfig = new LoggerConfig(loggerName, Level.WARN, false);
        loggerConfig.addAppender(appender, Level.WARN, null);
        config.addLogger(loggerName, loggerConfig);
        context.updateLoggers();
        try (HttpTransport sts =
                new HttpTransport(
                        TransportSettings.defaults(),
                        new RequestSigner(
                                () -> Credentials.sts("ak", "sk", "secret-sts-token-42"),
                                null,
                                time),
                        "p",
                        time)) {
            server.script(Reply.json("{}"), Reply.json("{}"), Reply.json("{}"));
            RetryingCaller caller =
                    new RetryingCaller(sts, RetryPolicy.none(), time, time, () -> 0.0);
            caller.call(request(server.uri()), r -> null);
            caller.call(request(server.uri()), r -> null);
            // plain access keys over the same transport class: no warning
            caller().call(request(server.uri()), r -> null);
        } finally {
            config.removeLogger(loggerName);
            context.updateLoggers();
            appender.stop();
        }
        assertThat(warnings)
                .containsExactly(
                        "The endpoint "
                                + server.uri()
                                + " is plain http://: the STS security token is sent unencrypted"
                                + " with every request; use an https:// endpoint");
        assertThat(String.join("\n", warnings)).doesNotContain("secret-sts-token-42");
    }
}
