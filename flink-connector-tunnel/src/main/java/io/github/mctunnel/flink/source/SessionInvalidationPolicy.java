package io.github.mctunnel.flink.source;

import org.apache.flink.annotation.PublicEvolving;

/**
 * What the source does when a download session can no longer be read: it expired (the service keeps
 * a download session for 24 hours) or its partition was modified after the session was created (the
 * service then answers {@code TableModified}). Rows of a split are addressed by their index in the
 * session's snapshot.
 */
@PublicEvolving
public enum SessionInvalidationPolicy {

    /**
     * Fail the job with a message naming the table, partition, session and row range (default).
     * Restarting does not help, since the session stays invalid; choose another policy for jobs
     * that may run longer than 24 hours or read partitions that are still written.
     */
    FAIL,

    /**
     * Create a new download session of the partition as it stands now and continue each affected
     * split at its next unread row index in the new snapshot; rows the new snapshot has beyond the
     * old session's row count are read as well. Exactly once for partitions that were only appended
     * to (the usual case: late data); when rows were rewritten or deleted, the rows after the
     * resume point come from the new snapshot and rows before it from the old one. Session
     * creations go through the same pacing as all others.
     */
    RECREATE,

    /**
     * Skip the rest of the partition: every split of the invalid session ends where it stands, with
     * a warning in the log. Rows already emitted stay emitted.
     */
    SKIP
}
