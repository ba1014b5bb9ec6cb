package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;
import org.apache.flink.streaming.api.operators.collect.CollectCoordinationResponse;

import java.util.List;

/**
 * The coordinator's answer: the session id, or (id null) how long to wait before asking again
 * because a table budget is used up.
 *
 * <p>It travels as a {@link CollectCoordinationResponse} (a Flink class): a TaskManager's RPC layer
 * deserializes coordination responses with Flink's own class loader, not the job's, so a response
 * class of the job jar fails there (ClassNotFoundException, or a ClassCastException when the
 * connector is also in Flink's {@code lib/}).
 */
@Internal
record SessionResponse(String sessionId, long retryAfterMillis) {

    /** The form the coordinator returns: session id as version, wait as offset, no results. */
    CoordinationResponse toCoordinationResponse() {
        return new CollectCoordinationResponse(
                sessionId == null ? "" : sessionId, retryAfterMillis, List.of());
    }

    /** Reads what {@link #toCoordinationResponse()} made. */
    static SessionResponse from(CoordinationResponse response) {
        if (!(response instanceof CollectCoordinationResponse r)) {
            throw new IllegalArgumentException(
                    "not a Tunnel session coordinator response: " + response);
        }
        return new SessionResponse(
                r.getVersion().isEmpty() ? null : r.getVersion(), r.getLastCheckpointedOffset());
    }
}
