package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.operators.coordination.CoordinationRequest;

/** A writer asks the coordinator for the session of (partition, epoch). */
@Internal
record SessionRequest(String partition, long epoch) implements CoordinationRequest {
    private static final long serialVersionUID = 1L;
}
