package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.annotation.Internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Task-local hand-over of the {@link SessionResolver} from the session gateway operator to the
 * writer chained behind it, keyed by sink id, job id, subtask index and attempt number.
 */
@Internal
public final class SessionResolverRegistry {

    private static final Map<String, SessionResolver> RESOLVERS = new ConcurrentHashMap<>();

    private SessionResolverRegistry() {}

    public static String key(String sinkId, String jobId, int subtask, int attempt) {
        return sinkId + '/' + jobId + '/' + subtask + '/' + attempt;
    }

    static void register(String key, SessionResolver resolver) {
        RESOLVERS.put(key, resolver);
    }

    static void unregister(String key) {
        RESOLVERS.remove(key);
    }

    static SessionResolver lookup(String key) {
        return RESOLVERS.get(key);
    }
}
