package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.error.TunnelException;

import org.apache.flink.annotation.Internal;

/** Upsert session steps shared by the writer and the committer. */
@Internal
final class UpsertSessions {

    private UpsertSessions() {}

    /**
     * Whether the service no longer knows the session: it expired (sessions live 24 h) or never
     * existed ({@code NoSuchUpload}, or {@code UpsertSessionNotFound} as the SDK names it).
     */
    static boolean isUnknown(TunnelException e) {
        return e.hasErrorCode("NoSuchUpload")
                || e.hasErrorCode("UpsertSessionNotFound")
                || (e.httpStatus() == 404 && e.errorCode() == null);
    }

    /**
     * Whether an upsert session status says the service let the session expire ({@code expired},
     * {@code critical}): treated like a session the service no longer knows.
     */
    static boolean isExpired(String status) {
        return "expired".equalsIgnoreCase(status) || "critical".equalsIgnoreCase(status);
    }
}
