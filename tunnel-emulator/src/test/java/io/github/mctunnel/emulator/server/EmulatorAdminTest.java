package io.github.mctunnel.emulator.server;

import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.FaultPlan;
import io.github.mctunnel.emulator.fault.RequestMatcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code GET|POST /emulator/clock} on a running emulator's HTTP server. */
class EmulatorAdminTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    private final HttpClient http = HttpClient.newHttpClient();
    private TunnelEmulator emulator;

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    /** Signed requests only, and a fault on every request: neither applies to admin requests. */
    private TunnelEmulator start(String host) throws Exception {
        emulator =
                TunnelEmulator.builder()
                        .host(host)
                        .project("p")
                        .credentials("ak", "sk")
                        .clock(Clock.fixed(T0, ZoneOffset.UTC))
                        .faultPlan(
                                FaultPlan.none()
                                        .failNext(
                                                100,
                                                RequestMatcher.of("*", "*"),
                                                503,
                                                "ServiceUnavailable"))
                        .build()
                        .start();
        return emulator;
    }

    private HttpResponse<String> send(String method, String pathAndQuery, String... headers)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(emulator.tunnelEndpoint() + pathAndQuery))
                        .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void getShowsAndPostAdvancesTheClock() throws Exception {
        start("127.0.0.1");
        HttpResponse<String> get = send("GET", "/emulator/clock");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(get.body()).isEqualTo("{\"now\":\"2024-01-01T00:00:00Z\",\"offset\":\"PT0S\"}");

        HttpResponse<String> post = send("POST", "/emulator/clock?advance=PT25H");
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body())
                .isEqualTo("{\"now\":\"2024-01-02T01:00:00Z\",\"offset\":\"PT25H\"}");
        assertThat(emulator.clock().offset()).isEqualTo(Duration.ofHours(25));
        assertThat(emulator.clock().instant()).isEqualTo(Instant.parse("2024-01-02T01:00:00Z"));

        assertThat(send("POST", "/emulator/clock?advance=P1DT30M").body())
                .isEqualTo("{\"now\":\"2024-01-03T01:30:00Z\",\"offset\":\"PT49H30M\"}");
        assertThat(send("GET", "/emulator/clock").body())
                .isEqualTo("{\"now\":\"2024-01-03T01:30:00Z\",\"offset\":\"PT49H30M\"}");

        // Not service requests: unsigned, no injected fault, not in the request log.
        assertThat(emulator.faultPlan().injectedCount()).isZero();
        assertThat(emulator.requestLog().entries(r -> true)).isEmpty();
    }

    @Test
    void badOrNegativeDurationsAreRefusedAndLeaveTheClock() throws Exception {
        start("127.0.0.1");
        for (String query : new String[] {"", "?advance=", "?advance=25h", "?advance=PT-1S"}) {
            HttpResponse<String> r = send("POST", "/emulator/clock" + query);
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            JsonNode error = JSON.readTree(r.body());
            assertThat(error.get("Code").asText()).isEqualTo("InvalidArgument");
            assertThat(error.get("RequestId").asText()).isNotEmpty();
        }
        JsonNode negative = JSON.readTree(send("POST", "/emulator/clock?advance=PT-1S").body());
        assertThat(negative.get("Message").asText()).contains("only moves forward");
        assertThat(send("DELETE", "/emulator/clock").statusCode()).isEqualTo(405);
        assertThat(send("GET", "/emulator/nothing").statusCode()).isEqualTo(404);
        assertThat(emulator.clock().offset()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aRequestWithAnOriginHeaderIsRefused() throws Exception {
        start("127.0.0.1");
        HttpResponse<String> r =
                send("POST", "/emulator/clock?advance=PT25H", "Origin", "http://evil.example");
        assertThat(r.statusCode()).isEqualTo(403);
        JsonNode error = JSON.readTree(r.body());
        assertThat(error.get("Code").asText()).isEqualTo("AccessDenied");
        assertThat(error.get("Message").asText()).contains("Origin");
        assertThat(r.headers().firstValue("x-odps-request-id")).isPresent();
        assertThat(emulator.clock().offset()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aRequestFromANonLoopbackAddressIsRefused() throws Exception {
        Optional<InetAddress> address = nonLoopbackAddress();
        assumeTrue(address.isPresent(), "this machine has no non-loopback IPv4 address");
        start(address.get().getHostAddress());
        HttpResponse<String> r = send("POST", "/emulator/clock?advance=PT25H");
        assertThat(r.statusCode()).isEqualTo(403);
        JsonNode error = JSON.readTree(r.body());
        assertThat(error.get("Code").asText()).isEqualTo("AccessDenied");
        assertThat(error.get("Message").asText()).contains("loopback");
        assertThat(send("GET", "/emulator/clock").statusCode()).isEqualTo(403);
        assertThat(emulator.clock().offset()).isEqualTo(Duration.ZERO);
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address
                        && !a.isLoopbackAddress()
                        && !a.isLinkLocalAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }
}
