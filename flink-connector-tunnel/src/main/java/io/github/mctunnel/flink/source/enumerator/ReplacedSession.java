package io.github.mctunnel.flink.source.enumerator;

import org.apache.flink.annotation.Internal;

import java.util.Objects;

/**
 * An invalidated download session and the session created to replace it (policy RECREATE). Kept
 * while the replacement can still be read: other splits of the old session reported later are
 * continued on it without another session. Forgotten once the replacement is older than a session
 * lives (it could not be read any more either).
 *
 * @param oldSessionId the invalidated session
 * @param newSessionId the replacement, created on the partition as it stood then
 * @param newRowCount the replacement's row count
 * @param createdAtMillis when the replacement was created (enumerator clock); -1 when unknown
 *     (restored from state version 1: counted from the restore)
 */
@Internal
public record ReplacedSession(
        String oldSessionId, String newSessionId, long newRowCount, long createdAtMillis) {

    public ReplacedSession {
        Objects.requireNonNull(oldSessionId, "oldSessionId");
        Objects.requireNonNull(newSessionId, "newSessionId");
    }
}
