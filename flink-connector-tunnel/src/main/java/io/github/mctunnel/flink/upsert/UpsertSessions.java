package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.error.TunnelException;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;

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
     * A session the service no longer knows (usually a checkpoint or savepoint restored more than
     * 24 h after it was taken): the job goes on; changes written to it that no commit made visible
     * before it expired are lost, which the WARN says.
     */
    static void warnUnknown(Logger log, String table, UpsertSessionRef ref, TunnelException e) {
        log.warn(
                "Upsert session {} of table {}{} is unknown to the service: it expired"
                        + " (upsert sessions live 24 hours) or was removed. Changes written to it"
                        + " that were not committed before are lost; the job goes on ({})",
                ref.sessionId(),
                table,
                ref.partition().isEmpty() ? "" : " partition " + ref.partition(),
                e.getMessage());
    }
}
