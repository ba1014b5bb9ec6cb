package io.github.mctunnel.emulator.junit;

import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.clock.EmulatorClock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clock of an emulator started by {@link TunnelEmulatorExtension}: moved through {@code
 * EXTENSION.emulator().advanceClock(...)}; one emulator serves the whole class, so the clock stays
 * where the earlier tests left it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TunnelEmulatorExtensionClockTest {

    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TunnelEmulatorExtension EXTENSION =
            new TunnelEmulatorExtension(b -> b.project("p").clock(Clock.fixed(T0, ZoneOffset.UTC)));

    private static JsonNode send(String method, String url) throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(url))
                                        .method(method, HttpRequest.BodyPublishers.noBody())
                                        .header("x-odps-tunnel-version", "6")
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        return ((ObjectNode) JSON.readTree(r.body())).put("status", r.statusCode());
    }

    @Test
    @Order(1)
    void advancingTheExtensionsEmulatorExpiresItsSessions() throws Exception {
        TunnelEmulator emulator = EXTENSION.emulator();
        emulator.executeSql("CREATE TABLE t (id BIGINT)");
        String table = emulator.tunnelEndpoint() + "/projects/p/tables/t";
        JsonNode created = send("POST", table + "?uploads");
        assertThat(created.get("status").asInt()).isEqualTo(200);
        String id = created.get("UploadID").asText();
        assertThat(id).startsWith("20240101000000");

        assertThat(EXTENSION.emulator().advanceClock(Duration.ofHours(25)))
                .isEqualTo(Instant.parse("2024-01-02T01:00:00Z"));

        JsonNode expired = send("GET", table + "?uploadid=" + id);
        assertThat(expired.get("status").asInt()).isEqualTo(404);
        assertThat(expired.get("Code").asText()).isEqualTo("NoSuchUpload");
        assertThat(expired.get("Message").asText()).contains("has expired");
        JsonNode fresh = send("POST", table + "?uploads");
        assertThat(fresh.get("UploadID").asText()).startsWith("20240102010000");
    }

    @Test
    @Order(2)
    void laterTestsOfTheClassSeeTheClockWhereTheEarlierOnesLeftIt(TunnelEmulator emulator) {
        EmulatorClock clock = emulator.clock();
        assertThat(clock).isSameAs(EXTENSION.emulator().clock());
        assertThat(clock.offset()).isEqualTo(Duration.ofHours(25));
        assertThat(clock.base()).isEqualTo(Clock.fixed(T0, ZoneOffset.UTC));
    }
}
