package io.github.mctunnel.flink.upsert;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.operators.coordination.CoordinationRequest;

/**
 * A writer asks for the upsert session every writer currently writes {@code partition} into; with
 * {@code replaced} set, that session can no longer take changes (it was committed or expired) and
 * is replaced, unless another writer already did.
 *
 * @param replaced the session the writer found unusable, or "" when it has none
 * @param subtask the asking writer
 * @param attempt its execution attempt (requests of failed or replaced attempts are refused)
 */
@Internal
record UpsertSessionRequest(String partition, String replaced, int subtask, int attempt)
        implements CoordinationRequest {
    private static final long serialVersionUID = 2L;
}
