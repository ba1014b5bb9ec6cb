package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;
import org.apache.flink.streaming.api.operators.collect.CollectCoordinationResponse;

import java.util.List;

/**
 * The coordinator's answer: the session id and the writer's block range, or (id null) how long to
 * wait before asking again because a table budget is used up.
 *
 * <p>It travels as a {@link CollectCoordinationResponse} (a Flink class): a TaskManager's RPC layer
 * deserializes coordination responses with Flink's own class loader, not the job's, so a response
 * class of the job jar fails there (ClassNotFoundException, or a ClassCastException when the
 * connector is also in Flink's {@code lib/}).
 */
@Internal
record SessionResponse(
        String sessionId, long firstBlockId, long blockCount, long retryAfterMillis) {

    static SessionResponse of(SessionLifecycle.Grant grant) {
        return new SessionResponse(
                grant.sessionId(),
                grant.firstBlockId(),
                grant.blockCount(),
                grant.retryAfterMillis());
    }

    /** The writer's block range in the session (only with a session). */
    BlockIdRange blockRange() {
        return new BlockIdRange(firstBlockId, blockCount);
    }

    /**
     * The form the coordinator returns: "id first count" as version (empty while waiting), the wait
     * as offset, no results.
     */
    CoordinationResponse toCoordinationResponse() {
        String version = sessionId == null ? "" : sessionId + ' ' + firstBlockId + ' ' + blockCount;
        return new CollectCoordinationResponse(version, retryAfterMillis, List.of());
    }

    /** Reads what {@link #toCoordinationResponse()} made. */
    static SessionResponse from(CoordinationResponse response) {
        if (!(response instanceof CollectCoordinationResponse r)) {
            throw new IllegalArgumentException(
                    "not a Tunnel session coordinator response: " + response);
        }
        if (r.getVersion().isEmpty()) {
            return new SessionResponse(null, 0, 0, r.getLastCheckpointedOffset());
        }
        String[] parts = r.getVersion().split(" ");
        if (parts.length != 3) {
            throw new IllegalArgumentException(
                    "not a Tunnel session coordinator response: " + r.getVersion());
        }
        return new SessionResponse(
                parts[0],
                Long.parseLong(parts[1]),
                Long.parseLong(parts[2]),
                r.getLastCheckpointedOffset());
    }
}
