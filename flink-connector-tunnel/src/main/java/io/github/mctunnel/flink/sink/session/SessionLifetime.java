package io.github.mctunnel.flink.sink.session;

import org.apache.flink.annotation.Internal;

/**
 * How long the service keeps a session (upload, upsert and stream sessions alike: 24 hours) and how
 * close to that end the sinks still hand one out to writers.
 */
@Internal
public final class SessionLifetime {

    /** The service's session lifetime. */
    public static final long LIFETIME_MILLIS = 24L * 3600 * 1000;

    /** A session is not handed out (again) when it would expire within this margin. */
    public static final long REUSE_MARGIN_MILLIS = 3600 * 1000;

    /** The oldest a session may be when it is handed to a writer. */
    public static final long MAX_HAND_OUT_AGE_MILLIS = LIFETIME_MILLIS - REUSE_MARGIN_MILLIS;

    private SessionLifetime() {}

    /** Whether the service has let a session created at {@code createdAt} expire by {@code now}. */
    public static boolean expired(long createdAt, long now) {
        return now - createdAt >= LIFETIME_MILLIS;
    }

    /**
     * Whether a session created at {@code createdAt} is too old to be handed out at {@code now}.
     */
    public static boolean tooOldToHandOut(long createdAt, long now) {
        return now - createdAt >= MAX_HAND_OUT_AGE_MILLIS;
    }
}
