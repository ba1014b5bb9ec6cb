package io.github.mctunnel.e2e.cluster;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A session of the SQL Gateway's REST API (v1): open, execute statements, fetch results. */
final class SqlGatewaySession {

    private static final Duration RESULT_TIMEOUT = Duration.ofMinutes(3);

    private final FlinkRestClient gateway;
    private final String handle;

    private SqlGatewaySession(FlinkRestClient gateway, String handle) {
        this.gateway = gateway;
        this.handle = handle;
    }

    /** {@code POST /v1/sessions} with these session properties. */
    static SqlGatewaySession open(FlinkRestClient gateway, Map<String, String> properties)
            throws IOException, InterruptedException {
        String handle =
                gateway.post("/v1/sessions", Map.of("properties", properties))
                        .path("sessionHandle")
                        .asText();
        if (handle.isEmpty()) {
            throw new IOException("the SQL Gateway opened no session");
        }
        return new SqlGatewaySession(gateway, handle);
    }

    /**
     * Executes one statement and fetches every result row until the end of the result ({@code
     * EOS}); each row is the JSON array of its fields. For an {@code INSERT} the one row holds the
     * job id.
     */
    List<JsonNode> execute(String statement) throws IOException, InterruptedException {
        String operation =
                gateway.post(
                                "/v1/sessions/" + handle + "/statements",
                                Map.of("statement", statement))
                        .path("operationHandle")
                        .asText();
        List<JsonNode> rows = new ArrayList<>();
        String next = "/v1/sessions/" + handle + "/operations/" + operation + "/result/0";
        long deadline = System.nanoTime() + RESULT_TIMEOUT.toNanos();
        while (next != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no end of the results of: " + statement);
            }
            JsonNode page = gateway.get(next);
            for (JsonNode row : page.path("results").path("data")) {
                rows.add(row.path("fields"));
            }
            String type = page.path("resultType").asText();
            if ("EOS".equals(type)) {
                next = null;
            } else {
                next = page.path("nextResultUri").asText(null);
                if ("NOT_READY".equals(type) || page.path("results").path("data").isEmpty()) {
                    Thread.sleep(200);
                }
            }
        }
        return rows;
    }
}
