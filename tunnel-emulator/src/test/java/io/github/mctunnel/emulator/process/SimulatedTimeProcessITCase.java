package io.github.mctunnel.emulator.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged jar's simulated time: {@code --clock-offset} and {@code /emulator/clock}. */
class SimulatedTimeProcessITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir Path dir;

    private HttpResponse<String> send(String method, String url, String... headers)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(url))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .header("x-odps-tunnel-version", "6");
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAdminRequestAdvancesTheClockOfTheRunningProcess() throws Exception {
        Path ddl = dir.resolve("ddl.sql");
        Files.writeString(ddl, "CREATE TABLE t (id BIGINT, name STRING);");
        try (EmulatorProcess emu =
                EmulatorProcess.start(
                        List.of(
                                "--port",
                                "0",
                                "--project",
                                "p",
                                "--access-id",
                                "ak",
                                "--access-key-secret",
                                "sk",
                                "--sql",
                                ddl.toString(),
                                "--clock-offset",
                                "1h",
                                "--upsert-commit-interval",
                                "0"))) {
            String clock = emu.tunnelEndpoint() + "/emulator/clock";
            HttpResponse<String> started = send("GET", clock);
            assertThat(started.statusCode()).isEqualTo(200);
            JsonNode before = JSON.readTree(started.body());
            assertThat(before.get("offset").asText()).isEqualTo("PT1H");
            assertThat(Duration.between(Instant.now(), Instant.parse(before.get("now").asText())))
                    .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));

            // Refused from a web page: the clock does not move.
            HttpResponse<String> fromPage =
                    send("POST", clock + "?advance=PT25H", "Origin", "http://localhost:3000");
            assertThat(fromPage.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(fromPage.body()).get("Code").asText())
                    .isEqualTo("AccessDenied");

            HttpResponse<String> advanced = send("POST", clock + "?advance=PT25H");
            assertThat(advanced.statusCode()).isEqualTo(200);
            JsonNode after = JSON.readTree(advanced.body());
            assertThat(after.get("offset").asText()).isEqualTo("PT26H");
            assertThat(Instant.parse(after.get("now").asText()))
                    .isAfterOrEqualTo(
                            Instant.parse(before.get("now").asText()).plus(Duration.ofHours(25)));

            HttpResponse<String> negative = send("POST", clock + "?advance=-PT1H");
            assertThat(negative.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(send("GET", clock).body()).get("offset").asText())
                    .isEqualTo("PT26H");

            // The service's own requests still need a signature.
            String table = emu.tunnelEndpoint() + "/projects/p/tables/t";
            assertThat(send("POST", table + "?uploads").statusCode()).isEqualTo(401);
        }
    }
}
