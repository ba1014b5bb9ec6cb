package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;

/**
 * The coordinator's answer: the session id, or (id null) how long to wait before asking again
 * because a table budget is used up.
 */
@Internal
record SessionResponse(String sessionId, long retryAfterMillis) implements CoordinationResponse {
    private static final long serialVersionUID = 1L;
}
