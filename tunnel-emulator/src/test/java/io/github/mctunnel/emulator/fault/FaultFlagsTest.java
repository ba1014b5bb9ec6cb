package io.github.mctunnel.emulator.fault;

import io.github.mctunnel.emulator.TunnelEmulator;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultFlagsTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private TunnelEmulator start(FaultFlags flags) throws IOException {
        TunnelEmulator emu =
                TunnelEmulator.builder().project("p").faultPlan(flags.toPlan()).build().start();
        emu.executeSql("CREATE TABLE t (a BIGINT); CREATE TABLE u (a BIGINT);");
        return emu;
    }

    private HttpResponse<String> send(TunnelEmulator emu, String method, String pathAndQuery)
            throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(emu.tunnelEndpoint() + pathAndQuery))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void failSpecFailsExactlyTheNextMatchingRequestsWithStatusCodeAndRetryAfter() throws Exception {
        FaultFlags flags = new FaultFlags();
        flags.fail("post /tables/t?uploads x2 429 FlowExceeded retry-after=3");
        try (TunnelEmulator emu = start(flags)) {
            List<Integer> statuses = new ArrayList<>();
            statuses.add(send(emu, "POST", "/projects/p/tables/u?uploads").statusCode());
            statuses.add(send(emu, "POST", "/projects/p/tables/t?downloads").statusCode());
            HttpResponse<String> failed = send(emu, "POST", "/projects/p/tables/t?uploads");
            statuses.add(failed.statusCode());
            statuses.add(send(emu, "POST", "/projects/p/tables/t?uploads").statusCode());
            statuses.add(send(emu, "POST", "/projects/p/tables/t?uploads").statusCode());
            assertThat(statuses).containsExactly(200, 200, 429, 429, 200);
            assertThat(failed.headers().firstValue("Retry-After")).contains("3");
            assertThat(failed.body())
                    .contains("\"Code\":\"FlowExceeded\"")
                    .contains("Injected fault: FlowExceeded");
            assertThat(emu.faultPlan().injectedCount()).isEqualTo(2);
        }
    }

    @Test
    void wildcardsMatchAnyMethodAndPath() throws Exception {
        FaultFlags flags = new FaultFlags();
        flags.fail("* * x1 503 ServiceUnavailable");
        flags.fail("GET * x1 500 InternalServerError");
        try (TunnelEmulator emu = start(flags)) {
            assertThat(send(emu, "POST", "/projects/p/tables/u?uploads").statusCode())
                    .isEqualTo(503);
            assertThat(send(emu, "POST", "/projects/p/tables/u?uploads").statusCode())
                    .isEqualTo(200);
            HttpResponse<String> meta = send(emu, "GET", "/api/projects/p/tables/t");
            assertThat(meta.statusCode()).isEqualTo(500);
            assertThat(meta.body()).contains("InternalServerError");
            assertThat(send(emu, "GET", "/api/projects/p/tables/t").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void delaySpecDelaysTheMatchingRequest() throws Exception {
        FaultFlags flags = new FaultFlags();
        flags.delay("POST /tables/t x1 300ms");
        try (TunnelEmulator emu = start(flags)) {
            long t0 = System.nanoTime();
            assertThat(send(emu, "POST", "/projects/p/tables/t?uploads").statusCode())
                    .isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t0))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(emu.faultPlan().injectedCount()).isEqualTo(1);
        }
    }

    @Test
    void dropResponseSpecCutsTheResponseBody() throws Exception {
        FaultFlags flags = new FaultFlags();
        flags.dropResponse("POST /tables/t?uploads x1 after=5");
        try (TunnelEmulator emu = start(flags)) {
            assertThatThrownBy(() -> send(emu, "POST", "/projects/p/tables/t?uploads"))
                    .isInstanceOf(IOException.class);
            assertThat(send(emu, "POST", "/projects/p/tables/t?uploads").statusCode())
                    .isEqualTo(200);
            assertThat(emu.faultPlan().injectedCount()).isEqualTo(1);
        }
    }

    @Test
    void resetSpecResetsTheConnectionDuringTheRequestBody() throws Exception {
        FaultFlags flags = new FaultFlags();
        flags.reset("PUT /tables/t?blockid x1 after=10");
        try (TunnelEmulator emu = start(flags)) {
            String id =
                    send(emu, "POST", "/projects/p/tables/t?uploads")
                            .body()
                            .replaceAll("(?s).*\"UploadID\":\"([^\"]+)\".*", "$1");
            HttpRequest put =
                    HttpRequest.newBuilder(
                                    URI.create(
                                            emu.tunnelEndpoint()
                                                    + "/projects/p/tables/t?blockid=0&uploadid="
                                                    + id))
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[64 * 1024]))
                            .build();
            assertThatThrownBy(() -> http.send(put, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
            assertThat(emu.faultPlan().injectedCount()).isEqualTo(1);
            assertThat(emu.faultPlan().pendingCount()).isZero();
        }
    }

    @Test
    void probabilisticFailuresReplayForTheSameSeed() throws Exception {
        assertThat(statusesWithSeed("7")).isEqualTo(statusesWithSeed("7"));
        assertThat(statusesWithSeed("7")).isNotEqualTo(statusesWithSeed("8"));
        assertThat(statusesWithSeed("7")).contains(200, 503);
    }

    private List<Integer> statusesWithSeed(String seed) throws Exception {
        FaultFlags flags = new FaultFlags();
        flags.fail("POST /tables/u p=0.5 503 ServiceUnavailable");
        flags.seed(seed);
        List<Integer> statuses = new ArrayList<>();
        try (TunnelEmulator emu = start(flags)) {
            for (int i = 0; i < 24; i++) {
                statuses.add(send(emu, "POST", "/projects/p/tables/u?downloads").statusCode());
            }
        }
        return statuses;
    }

    @Test
    void noRulesGivesAnEmptyPlan() {
        FaultFlags flags = new FaultFlags();
        flags.seed("42");
        assertThat(flags.isEmpty()).isTrue();
        assertThat(flags.toPlan().pendingCount()).isZero();
        flags.delay("GET * x3 1s");
        assertThat(flags.isEmpty()).isFalse();
        assertThat(flags.toPlan().pendingCount()).isEqualTo(3);
    }

    private static void rejects(Consumer<FaultFlags> parse, String message) {
        assertThatThrownBy(() -> parse.accept(new FaultFlags()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void badFailSpecsAreRejectedWithTheExpectedForm() {
        String form =
                "; expected 'METHOD PATH[?param] xCOUNT|p=PROBABILITY STATUS CODE"
                        + " [retry-after=SECONDS]'";
        rejects(
                f -> f.fail("PUT /tables/t x2 503"),
                "--fail 'PUT /tables/t x2 503': expected 5 or 6 fields, got 4" + form);
        rejects(f -> f.fail(""), "--fail '': expected 5 or 6 fields, got 0" + form);
        rejects(
                f -> f.fail("FETCH /t x1 503 ServiceUnavailable"),
                "--fail 'FETCH /t x1 503 ServiceUnavailable': METHOD must be GET, PUT, POST,"
                        + " DELETE, HEAD or *, got 'FETCH'"
                        + form);
        rejects(
                f -> f.fail("PUT /t 2 503 ServiceUnavailable"),
                "--fail 'PUT /t 2 503 ServiceUnavailable': COUNT must be x followed by a number"
                        + " >= 1 (e.g. x2), got '2'"
                        + form);
        rejects(
                f -> f.fail("PUT /t x0 503 ServiceUnavailable"),
                "--fail 'PUT /t x0 503 ServiceUnavailable': COUNT must be x followed by a number"
                        + " >= 1 (e.g. x2), got 'x0'"
                        + form);
        rejects(
                f -> f.fail("PUT /t p=1.5 503 ServiceUnavailable"),
                "--fail 'PUT /t p=1.5 503 ServiceUnavailable': PROBABILITY must be p= followed by"
                        + " a number in (0, 1], got 'p=1.5'"
                        + form);
        rejects(
                f -> f.fail("PUT /t x1 200 OK"),
                "--fail 'PUT /t x1 200 OK': STATUS must be an HTTP error status 400..599, got"
                        + " '200'"
                        + form);
        rejects(
                f -> f.fail("PUT /t x1 503 503"),
                "--fail 'PUT /t x1 503 503': CODE must be an error code such as"
                        + " ServiceUnavailable, got '503'"
                        + form);
        rejects(
                f -> f.fail("PUT /t x1 429 FlowExceeded retry=1"),
                "--fail 'PUT /t x1 429 FlowExceeded retry=1': expected retry-after=N with N >= 0,"
                        + " got 'retry=1'"
                        + form);
        rejects(
                f -> f.fail("PUT /t p=0.5 429 FlowExceeded retry-after=1"),
                "--fail 'PUT /t p=0.5 429 FlowExceeded retry-after=1': retry-after is only"
                        + " supported with a count (xN)"
                        + form);
        rejects(
                f -> f.fail("PUT /t?a=1 x1 503 ServiceUnavailable"),
                "--fail 'PUT /t?a=1 x1 503 ServiceUnavailable': '?' must be followed by one"
                        + " parameter name, got '/t?a=1'"
                        + form);
        rejects(
                f -> f.fail("PUT ?blockid x1 503 ServiceUnavailable"),
                "--fail 'PUT ?blockid x1 503 ServiceUnavailable': PATH must be a path substring or"
                        + " *, got '?blockid'"
                        + form);
    }

    @Test
    void badResetDropAndDelaySpecsAreRejected() {
        rejects(
                f -> f.reset("PUT /t x1"),
                "--reset 'PUT /t x1': expected 4 fields, got 3; expected 'METHOD PATH[?param]"
                        + " xCOUNT after=BYTES'");
        rejects(
                f -> f.reset("PUT /t x1 after=-1"),
                "--reset 'PUT /t x1 after=-1': expected after=N with N >= 0, got 'after=-1';"
                        + " expected 'METHOD PATH[?param] xCOUNT after=BYTES'");
        rejects(
                f -> f.dropResponse("GET /t x1 100"),
                "--drop-response 'GET /t x1 100': expected after=N with N >= 0, got '100';"
                        + " expected 'METHOD PATH[?param] xCOUNT after=BYTES'");
        rejects(
                f -> f.delay("GET /t x1 500"),
                "--delay 'GET /t x1 500': a duration must be a positive number with a unit ms,"
                        + " s, m or h (e.g. 500ms, 30s), got '500'; expected 'METHOD"
                        + " PATH[?param] xCOUNT DURATION'");
        rejects(f -> f.seed("abc"), "--fault-seed needs a whole number, got 'abc'");
    }

    @Test
    void durationsNeedAUnitAndArePositive() {
        assertThat(FaultFlags.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(FaultFlags.duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(FaultFlags.duration("10M")).isEqualTo(Duration.ofMinutes(10));
        assertThat(FaultFlags.duration("2h")).isEqualTo(Duration.ofHours(2));
        for (String bad : List.of("0s", "s", "1.5s", "-1s", "10d", "")) {
            assertThatThrownBy(() -> FaultFlags.duration(bad))
                    .hasMessage(
                            "a duration must be a positive number with a unit ms, s, m or h"
                                    + " (e.g. 500ms, 30s), got '"
                                    + bad
                                    + "'");
        }
    }
}
