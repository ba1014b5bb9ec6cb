package io.github.mctunnel.emulator;

import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.catalog.Catalog;
import io.github.mctunnel.emulator.catalog.TableState;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the packaged {@code target/tunnel-emulator.jar} as a real process, commits rows through the
 * tunnel, kills the process with SIGKILL and checks that the committed rows are still there.
 */
class EmulatorProcessITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir Path dir;

    private record Running(Process process, String tunnel) {}

    private Running start(Path dataDir) throws Exception {
        Path jar = Path.of("target", "tunnel-emulator.jar");
        assertThat(jar).exists();
        Path ddl = dir.resolve("ddl.sql");
        Files.writeString(
                ddl,
                "CREATE TABLE IF NOT EXISTS t (id BIGINT, name STRING) PARTITIONED BY (ds STRING);"
                        + " ALTER TABLE t ADD IF NOT EXISTS PARTITION (ds='20240101');");
        Process p =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-jar",
                                jar.toString(),
                                "--port",
                                "0",
                                "--project",
                                "p",
                                "--data-dir",
                                dataDir.toString(),
                                "--sql",
                                ddl.toString())
                        .redirectErrorStream(true)
                        .start();
        BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            int at = line.indexOf("endpoint=");
            if (at >= 0) {
                String endpoint = line.substring(at + 9).split(" ")[0];
                Thread drainer = new Thread(() -> out.lines().forEach(l -> {}));
                drainer.setDaemon(true);
                drainer.start();
                return new Running(p, endpoint.substring(0, endpoint.length() - "/api".length()));
            }
        }
        throw new AssertionError("the emulator exited without printing its endpoint");
    }

    private JsonNode send(String method, String url, byte[] body) throws Exception {
        HttpRequest.BodyPublisher publisher =
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .method(method, publisher)
                                .header("x-odps-tunnel-version", "6")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + url + ": " + r.body()).isBetween(200, 299);
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    @Test
    void committedRowsSurviveKillMinusNine() throws Exception {
        Path dataDir = dir.resolve("data");
        Running first = start(dataDir);
        try {
            String table = first.tunnel() + "/projects/p/tables/t";
            JsonNode session = send("POST", table + "?uploads&partition=ds%3D20240101", null);
            String uploadId = session.get("UploadID").asText();
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            RecordStreamWriter w =
                    new RecordStreamWriter(
                            List.of(
                                    io.github.mctunnel.client.schema.Column.of("id", "bigint"),
                                    io.github.mctunnel.client.schema.Column.of("name", "string")),
                            block);
            w.write(new Object[] {1L, "one"});
            w.write(new Object[] {2L, "two"});
            w.finish();
            send(
                    "PUT",
                    table + "?blockid=0&partition=ds%3D20240101&uploadid=" + uploadId,
                    block.toByteArray());
            send("POST", table + "?partition=ds%3D20240101&uploadid=" + uploadId, null);
        } finally {
            first.process().destroyForcibly();
            assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(first.process().exitValue()).isEqualTo(137);

        // Restart the process on the same data directory: it must come up with the table.
        Running second = start(dataDir);
        try {
            JsonNode down =
                    send(
                            "POST",
                            second.tunnel()
                                    + "/projects/p/tables/t?downloads&partition=ds%3D20240101",
                            null);
            assertThat(down.get("RecordCount").asLong()).isEqualTo(2);
        } finally {
            second.process().destroyForcibly();
            second.process().waitFor(30, TimeUnit.SECONDS);
        }

        try (Catalog c = Catalog.open(dataDir, List.of("p"), Clock.systemUTC())) {
            TableState t = c.table(TableIdentifier.of("p", "t"));
            List<Object[]> rows = t.snapshot(PartitionSpec.parse("ds=20240101"));
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0)[0]).isEqualTo(1L);
            assertThat(rows.get(1)[1]).isEqualTo("two".getBytes(StandardCharsets.UTF_8));
        }
    }
}
