package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.coordination.CoordinatorGateways;

import org.apache.flink.annotation.Internal;
import org.apache.flink.streaming.api.operators.collect.CollectCoordinationResponse;

import java.io.IOException;

/**
 * Asks the sink's {@link UpsertSessionCoordinator} through the writer's gateway, found on first use
 * (the gateway operator opens after the writer chained behind it).
 */
@Internal
final class GatewayUpsertSessionSource implements UpsertSessionSource {

    private final String registryKey;
    private final int subtask;
    private final int attempt;

    GatewayUpsertSessionSource(String registryKey, int subtask, int attempt) {
        this.registryKey = registryKey;
        this.subtask = subtask;
        this.attempt = attempt;
    }

    @Override
    public String session(PartitionSpec partition, String replaced)
            throws IOException, InterruptedException {
        var response =
                CoordinatorGateways.lookup(registryKey, "upsert")
                        .ask(
                                new UpsertSessionRequest(
                                        partition.toString(),
                                        replaced == null ? "" : replaced,
                                        subtask,
                                        attempt));
        if (!(response instanceof CollectCoordinationResponse r) || r.getVersion().isEmpty()) {
            throw new IOException("Not an upsert session coordinator response: " + response);
        }
        return r.getVersion();
    }
}
