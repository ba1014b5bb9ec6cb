package io.github.mctunnel.flink.source.enumerator;

import org.apache.flink.annotation.Internal;

import java.util.Objects;

/**
 * An invalidated download session and the session created to replace it (policy RECREATE).
 *
 * @param oldSessionId the invalidated session
 * @param newSessionId the replacement, created on the partition as it stood then
 * @param newRowCount the replacement's row count
 */
@Internal
public record ReplacedSession(String oldSessionId, String newSessionId, long newRowCount) {

    public ReplacedSession {
        Objects.requireNonNull(oldSessionId, "oldSessionId");
        Objects.requireNonNull(newSessionId, "newSessionId");
    }
}
