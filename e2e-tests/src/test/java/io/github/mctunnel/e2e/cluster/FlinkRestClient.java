package io.github.mctunnel.e2e.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The parts of Flink's REST API (JobManager, or SQL Gateway) that the tests use, as JSON. */
final class FlinkRestClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TERMINAL =
            Set.of("FINISHED", "FAILED", "CANCELED", "SUSPENDED");

    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FlinkRestClient(String base) {
        this.base = base;
    }

    String base() {
        return base;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .POST(
                                HttpRequest.BodyPublishers.ofByteArray(
                                        JSON.writeValueAsBytes(body))));
    }

    /** {@code POST /jars/upload}; returns the jar id for {@link #runJar}. */
    String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "----e2e" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(jar));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode answer =
                send(
                        HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        String file = answer.path("filename").asText();
        if (!"success".equals(answer.path("status").asText()) || file.isEmpty()) {
            throw new IOException("jar upload failed: " + answer);
        }
        return Path.of(file).getFileName().toString();
    }

    /** {@code POST /jars/:id/run}; returns the job id. */
    String runJar(String jarId, String entryClass, List<String> programArgs, int parallelism)
            throws IOException, InterruptedException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("entryClass", entryClass);
        request.put("programArgsList", programArgs);
        request.put("parallelism", parallelism);
        return post("/jars/" + jarId + "/run", request).path("jobid").asText();
    }

    String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    long completedCheckpoints(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
    }

    /** The resource ids of the TaskManagers running tasks of the job. */
    Set<String> taskManagersOf(String jobId) throws IOException, InterruptedException {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            JsonNode tms =
                    get(
                            "/jobs/"
                                    + jobId
                                    + "/vertices/"
                                    + vertex.path("id").asText()
                                    + "/taskmanagers");
            for (JsonNode tm : tms.path("taskmanagers")) {
                ids.add(tm.path("taskmanager-id").asText());
            }
        }
        return ids;
    }

    /** The number of registered TaskManagers. */
    int taskManagers() throws IOException, InterruptedException {
        return get("/overview").path("taskmanagers").asInt();
    }

    /** The job's failures so far ({@code /jobs/:id/exceptions}), for assertions and messages. */
    JsonNode exceptions(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/exceptions");
    }

    /**
     * Waits until the job reached a terminal state and returns it; a job that is not FINISHED is
     * reported with its exceptions by the caller.
     */
    String awaitTermination(
            String jobId, Duration timeout, java.util.function.Supplier<String> logs)
            throws InterruptedException {
        String[] state = {""};
        Poll.until(
                "job " + jobId + " to terminate (state " + state[0] + ")",
                timeout,
                () -> TERMINAL.contains(state[0] = jobState(jobId)),
                logs);
        return state[0];
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response =
                http.send(
                        request.timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        String body = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() / 100 != 2) {
            throw new IOException(
                    response.request().method()
                            + " "
                            + response.request().uri()
                            + ": HTTP "
                            + response.statusCode()
                            + " "
                            + body);
        }
        return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
    }
}
