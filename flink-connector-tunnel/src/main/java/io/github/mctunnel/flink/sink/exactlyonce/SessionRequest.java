package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.operators.coordination.CoordinationRequest;

/**
 * Writer {@code subtask} of {@code parallelism} (execution attempt {@code attempt}) asks the
 * coordinator for the session of (partition, epoch) and its block range.
 */
@Internal
record SessionRequest(String partition, long epoch, int subtask, int parallelism, int attempt)
        implements CoordinationRequest {
    private static final long serialVersionUID = 2L;
}
