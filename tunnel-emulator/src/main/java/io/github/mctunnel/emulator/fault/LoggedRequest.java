package io.github.mctunnel.emulator.fault;

import java.util.Map;

/**
 * One served request as the request log keeps it.
 *
 * @param path the decoded path, with {@code /api} for meta requests
 * @param status HTTP status answered, 0 when the connection was cut
 * @param errorCode the error code answered, or null
 * @param attack whether it retried sooner than the retry policy allows
 */
public record LoggedRequest(
        long sequence,
        long atMillis,
        String requestId,
        String clientAddress,
        String method,
        String path,
        Map<String, String> params,
        int status,
        String errorCode,
        boolean attack) {}
