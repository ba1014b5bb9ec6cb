package io.github.mctunnel.flink.coordination;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.operators.coordination.CoordinationRequest;
import org.apache.flink.runtime.operators.coordination.CoordinationResponse;

import java.io.IOException;

/**
 * A writer subtask's channel to the coordinator of its sink on the JobManager: the request goes out
 * through the task's coordinator gateway, the answer comes back (responses must be Flink classes: a
 * TaskManager deserializes them with Flink's class loader, not the job's).
 */
@Internal
@FunctionalInterface
public interface CoordinatorGateway {

    /**
     * Sends {@code request} and waits for the answer.
     *
     * @throws IOException when the coordinator failed the request (its message included)
     */
    CoordinationResponse ask(CoordinationRequest request) throws IOException, InterruptedException;
}
