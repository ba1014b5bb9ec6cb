package io.github.mctunnel.emulator.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fault and session-lifetime flags of the packaged jar, seen from outside the process. */
class FaultFlagsProcessITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir Path dir;

    private HttpResponse<String> send(String method, String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .header("x-odps-tunnel-version", "6")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Path ddl() throws Exception {
        Path ddl = dir.resolve("ddl.sql");
        Files.writeString(ddl, "CREATE TABLE t (id BIGINT, name STRING);");
        return ddl;
    }

    @Test
    void helpDocumentsEveryFaultFlag() throws Exception {
        EmulatorProcess.Finished help = EmulatorProcess.run(List.of("--help"));
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout())
                .contains("--fail SPEC")
                .contains(
                        "'METHOD PATH[?param] xCOUNT|p=PROBABILITY STATUS CODE"
                                + " [retry-after=SECONDS]'")
                .contains("--reset SPEC      'METHOD PATH[?param] xCOUNT after=BYTES'")
                .contains("--drop-response SPEC")
                .contains("--delay SPEC      'METHOD PATH[?param] xCOUNT DURATION'")
                .contains("--fault-seed N")
                .contains("--session-lifetime D");
    }

    @Test
    void aBadFaultSpecStopsTheProcessWithTheReason() throws Exception {
        EmulatorProcess.Finished bad =
                EmulatorProcess.run(
                        List.of(
                                "--port",
                                "0",
                                "--fail",
                                "PUT /tables/t x0 503 ServiceUnavailable"));
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stdout()).doesNotContain("endpoint=");
        assertThat(bad.stderr())
                .isEqualTo(
                        "Error: --fail 'PUT /tables/t x0 503 ServiceUnavailable': COUNT must be x"
                                + " followed by a number >= 1 (e.g. x2), got 'x0'; expected"
                                + " 'METHOD PATH[?param] xCOUNT|p=PROBABILITY STATUS CODE"
                                + " [retry-after=SECONDS]'"
                                + System.lineSeparator()
                                + "Run with --help for usage."
                                + System.lineSeparator());

        EmulatorProcess.Finished badLifetime =
                EmulatorProcess.run(List.of("--port", "0", "--session-lifetime", "10"));
        assertThat(badLifetime.exitCode()).isEqualTo(2);
        assertThat(badLifetime.stderr())
                .startsWith(
                        "Error: --session-lifetime: a duration must be a positive number with a"
                                + " unit ms, s, m or h (e.g. 500ms, 30s), got '10'");
    }

    @Test
    void flaggedFaultsHappenOnTheMatchingRequestsOnly() throws Exception {
        try (EmulatorProcess emu =
                EmulatorProcess.start(
                        List.of(
                                "--port",
                                "0",
                                "--project",
                                "p",
                                "--sql",
                                ddl().toString(),
                                "--fail",
                                "POST /tables/t?uploads x2 503 ServiceUnavailable retry-after=2",
                                "--drop-response",
                                "POST /tables/t?downloads x1 after=10"))) {
            String table = emu.tunnelEndpoint() + "/projects/p/tables/t";
            HttpResponse<String> first = send("POST", table + "?uploads");
            assertThat(first.statusCode()).isEqualTo(503);
            assertThat(first.headers().firstValue("Retry-After")).contains("2");
            JsonNode error = JSON.readTree(first.body());
            assertThat(error.get("Code").asText()).isEqualTo("ServiceUnavailable");
            assertThat(error.get("Message").asText())
                    .isEqualTo("Injected fault: ServiceUnavailable");
            assertThat(send("POST", table + "?uploads").statusCode()).isEqualTo(503);
            HttpResponse<String> third = send("POST", table + "?uploads");
            assertThat(third.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(third.body()).get("UploadID").asText()).isNotEmpty();

            // The download answer is cut after 10 bytes of its body, then served again.
            assertThatThrownBy(() -> send("POST", table + "?downloads"))
                    .isInstanceOf(IOException.class);
            HttpResponse<String> download = send("POST", table + "?downloads");
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(download.body()).get("RecordCount").asLong()).isZero();
        }
    }

    @Test
    void aShortSessionLifetimeExpiresSessions() throws Exception {
        try (EmulatorProcess emu =
                EmulatorProcess.start(
                        List.of(
                                "--port",
                                "0",
                                "--project",
                                "p",
                                "--sql",
                                ddl().toString(),
                                "--session-lifetime",
                                "1s"))) {
            String table = emu.tunnelEndpoint() + "/projects/p/tables/t";
            HttpResponse<String> created = send("POST", table + "?uploads");
            assertThat(created.statusCode()).isEqualTo(200);
            String id = JSON.readTree(created.body()).get("UploadID").asText();
            long deadline = System.nanoTime() + 20_000_000_000L;
            HttpResponse<String> status;
            do {
                status = send("GET", table + "?uploadid=" + id);
            } while (status.statusCode() == 200 && System.nanoTime() < deadline);
            assertThat(status.statusCode()).isEqualTo(404);
            JsonNode error = JSON.readTree(status.body());
            assertThat(error.get("Code").asText()).isEqualTo("NoSuchUpload");
            assertThat(error.get("Message").asText())
                    .isEqualTo("The upload session " + id + " has expired (sessions live PT1S)");
        }
    }
}
