package io.github.mctunnel.emulator.fault;

import io.github.mctunnel.emulator.TunnelEmulator;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultPlanTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(TunnelEmulator emu, String pathAndQuery) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(emu.tunnelEndpoint() + pathAndQuery))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void failsExactlyTheNextMatchingRequestsThenServes() throws Exception {
        FaultPlan plan =
                FaultPlan.none()
                        .failNext(
                                2,
                                RequestMatcher.of("POST", "/tables/t").withParam("uploads"),
                                503,
                                "ServiceUnavailable");
        try (TunnelEmulator emu =
                TunnelEmulator.builder().project("p").faultPlan(plan).build().start()) {
            emu.executeSql("CREATE TABLE t (a BIGINT); CREATE TABLE u (a BIGINT);");
            List<Integer> statuses = new ArrayList<>();
            statuses.add(post(emu, "/projects/p/tables/u?uploads").statusCode());
            statuses.add(post(emu, "/projects/p/tables/t?uploads").statusCode());
            statuses.add(post(emu, "/projects/p/tables/t?uploads").statusCode());
            statuses.add(post(emu, "/projects/p/tables/t?uploads").statusCode());
            assertThat(statuses).containsExactly(200, 503, 503, 200);
            assertThat(plan.injectedCount()).isEqualTo(2);
            assertThat(plan.pendingCount()).isZero();
            HttpResponse<String> failed = post(emu, "/projects/p/tables/u?uploads");
            assertThat(failed.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void retryingRightAfterThrottleIsAnAttackAndIsolatesTheClient() throws Exception {
        FaultPlan plan =
                FaultPlan.none()
                        .failNext(
                                1, RequestMatcher.of("POST", "/tables/t"), 429, "FlowExceeded", 1);
        try (TunnelEmulator emu =
                TunnelEmulator.builder()
                        .project("p")
                        .faultPlan(plan)
                        .isolateAttackers(true)
                        .build()
                        .start()) {
            emu.executeSql("CREATE TABLE t (a BIGINT);");
            HttpResponse<String> throttled = post(emu, "/projects/p/tables/t?uploads");
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(throttled.headers().firstValue("Retry-After")).contains("1");
            assertThat(throttled.body()).contains("\"Code\":\"FlowExceeded\"");
            assertThat(emu.attackRequests()).isEmpty();
            // Retrying at once ignores the 1 s back-off.
            HttpResponse<String> retry = post(emu, "/projects/p/tables/t?uploads");
            assertThat(emu.attackRequestCount()).isEqualTo(1);
            assertThat(retry.statusCode()).isEqualTo(200);
            assertThat(emu.requestLog().entries(LoggedRequest::attack)).hasSize(1);
            HttpResponse<String> refused = post(emu, "/projects/p/tables/t?uploads");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body())
                    .contains("is isolated: it retried sooner than the retry policy allows");
        }
    }

    @Test
    void anotherRequestRightAfterAThrottleIsInFlightButNotLaterInTheWait() throws Exception {
        FaultPlan plan =
                FaultPlan.none()
                        .failNext(
                                1,
                                RequestMatcher.of("POST", "/tables/t").withParam("uploads"),
                                429,
                                "FlowExceeded",
                                1);
        try (TunnelEmulator emu =
                TunnelEmulator.builder().project("p").faultPlan(plan).build().start()) {
            emu.executeSql("CREATE TABLE t (a BIGINT);");
            assertThat(post(emu, "/projects/p/tables/t?uploads").statusCode()).isEqualTo(429);
            // another thread's request, sent before the client could know of the throttle
            assertThat(post(emu, "/projects/p/tables/t?uploadid=a").statusCode()).isEqualTo(404);
            assertThat(emu.attackRequests()).isEmpty();
            // later in the 1 s wait, a request is no longer in flight
            Thread.sleep(RequestLog.IN_FLIGHT_GRACE_MILLIS + 100);
            assertThat(post(emu, "/projects/p/tables/t?uploadid=b").statusCode()).isEqualTo(404);
            assertThat(emu.attackRequestCount()).isEqualTo(1);
        }
    }

    @Test
    void resetDuringBodyCutsTheConnection() throws Exception {
        FaultPlan plan = FaultPlan.seeded(7).resetNext(1, RequestMatcher.of("PUT", null), 10);
        try (TunnelEmulator emu = TunnelEmulator.builder().faultPlan(plan).build().start()) {
            assertThatThrownBy(
                            () ->
                                    http.send(
                                            HttpRequest.newBuilder(
                                                            URI.create(
                                                                    emu.tunnelEndpoint()
                                                                            + "/projects/x/tables/t"))
                                                    .PUT(
                                                            HttpRequest.BodyPublishers.ofByteArray(
                                                                    new byte[1 << 20]))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
            assertThat(emu.requestLog().entries(r -> r.status() == 0)).hasSize(1);
        }
    }

    @Test
    void seededRandomFaultsAreReproducible() throws Exception {
        assertThat(randomOutcomes(42)).isEqualTo(randomOutcomes(42));
        assertThat(randomOutcomes(42)).contains(500).contains(404);
    }

    private List<Integer> randomOutcomes(long seed) throws Exception {
        FaultPlan plan =
                FaultPlan.seeded(seed)
                        .failRandomly(RequestMatcher.any(), 0.5, 500, "InternalServerError");
        try (TunnelEmulator emu = TunnelEmulator.builder().faultPlan(plan).build().start()) {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                out.add(
                        post(
                                        emu,
                                        "/projects/"
                                                + TunnelEmulator.DEFAULT_PROJECT
                                                + "/tables/none?uploads")
                                .statusCode());
            }
            return out;
        }
    }
}
