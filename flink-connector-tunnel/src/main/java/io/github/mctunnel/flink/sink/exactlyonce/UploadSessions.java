package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.session.UploadSession;

import org.apache.flink.annotation.Internal;

import java.util.Collection;

/** Upload session steps shared by the coordinator and the committer. */
@Internal
final class UploadSessions {

    private static final String STATUS_COMMITTED = "closed";

    private UploadSessions() {}

    /**
     * Whether the service no longer knows the session: {@code NoSuchUpload} (404) answers both an
     * expired session (older than the 24 h lifetime) and one that never existed.
     */
    static boolean isUnknownSession(TunnelException e) {
        return e.hasErrorCode("NoSuchUpload") || (e.httpStatus() == 404 && e.errorCode() == null);
    }

    static boolean isCommitted(UploadSession session) {
        return STATUS_COMMITTED.equals(session.status());
    }

    /**
     * Replaces each given block by an empty one, so that committing the session adds nothing from
     * it (the blocks of an aborted attempt; rewriting a block id replaces the block).
     */
    static void empty(UploadSession session, Collection<Long> blockIds) throws TunnelException {
        for (long id : blockIds) {
            session.writeRecords(id, Compression.DEFAULT, writer -> {});
        }
    }
}
