package io.github.mctunnel.flink.sink.session;

import org.apache.flink.annotation.Internal;

import java.util.Locale;

/** What the service says of a session, as the session lifecycles need it. */
@Internal
public enum SessionStatus {
    /** Open for writes (upload and upsert {@code normal}). */
    OPEN,
    /** Being committed (upload {@code closing}, upsert {@code committing}): not done yet. */
    COMMITTING,
    /** Committed (upload {@code closed}, upsert {@code committed}). */
    COMMITTED,
    /** The service no longer knows the session (expired, never existed), or it was cancelled. */
    GONE;

    /** The status of an upload session as the service reports it. */
    public static SessionStatus ofUpload(String status) {
        return switch (lower(status)) {
            case "normal" -> OPEN;
            case "closed" -> COMMITTED;
            case "closing", "committing" -> COMMITTING;
            default -> GONE; // expired, canceled, critical, unknown
        };
    }

    /** The status of an upsert session as the service reports it. */
    public static SessionStatus ofUpsert(String status) {
        return switch (lower(status)) {
            case "normal" -> OPEN;
            case "committed" -> COMMITTED;
            case "committing" -> COMMITTING;
            default -> GONE; // expired, aborted, unknown
        };
    }

    private static String lower(String status) {
        return status == null ? "" : status.toLowerCase(Locale.ROOT);
    }
}
