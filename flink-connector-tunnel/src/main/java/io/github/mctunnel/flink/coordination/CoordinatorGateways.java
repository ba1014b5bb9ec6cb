package io.github.mctunnel.flink.coordination;

import org.apache.flink.annotation.Internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Task-local hand-over of the {@link CoordinatorGateway} from a sink's gateway operator to the
 * writer chained behind it, keyed by sink id, job id, subtask index and attempt number.
 */
@Internal
public final class CoordinatorGateways {

    private static final Map<String, CoordinatorGateway> GATEWAYS = new ConcurrentHashMap<>();

    private CoordinatorGateways() {}

    public static String key(String sinkId, String jobId, int subtask, int attempt) {
        return sinkId + '/' + jobId + '/' + subtask + '/' + attempt;
    }

    public static void register(String key, CoordinatorGateway gateway) {
        GATEWAYS.put(key, gateway);
    }

    public static void unregister(String key) {
        GATEWAYS.remove(key);
    }

    /**
     * The gateway of the writer with this key.
     *
     * @throws IllegalStateException when there is none: the gateway operator is not chained to the
     *     writer
     */
    public static CoordinatorGateway lookup(String key, String sinkKind) {
        CoordinatorGateway gateway = GATEWAYS.get(key);
        if (gateway == null) {
            throw new IllegalStateException(
                    "The "
                            + sinkKind
                            + " Tunnel writer found no session gateway for its subtask:"
                            + " the sink's pre-write operator must be chained to the writer"
                            + " (do not disable operator chaining for the sink)");
        }
        return gateway;
    }
}
