package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.flink.coordination.CoordinatorGateway;

import org.apache.flink.annotation.Internal;

import java.io.IOException;

/**
 * Asks the {@link SessionCoordinator} through the writer's {@link CoordinatorGateway}, waiting as
 * long as the coordinator says while a table budget is used up.
 */
@Internal
final class GatewaySessionResolver implements SessionResolver {

    private final CoordinatorGateway gateway;
    private final int subtask;
    private final int parallelism;
    private final int attempt;

    GatewaySessionResolver(CoordinatorGateway gateway, int subtask, int parallelism, int attempt) {
        this.gateway = gateway;
        this.subtask = subtask;
        this.parallelism = parallelism;
        this.attempt = attempt;
    }

    @Override
    public SessionResponse session(String partition, long epoch)
            throws IOException, InterruptedException {
        SessionRequest request =
                new SessionRequest(partition, epoch, subtask, parallelism, attempt);
        while (true) {
            SessionResponse r = SessionResponse.from(gateway.ask(request));
            if (r.sessionId() != null) {
                return r;
            }
            // a table budget is used up: wait as long as the coordinator says
            Thread.sleep(r.retryAfterMillis());
        }
    }
}
