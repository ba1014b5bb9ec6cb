package io.github.mctunnel.flink.source;

import org.apache.flink.annotation.PublicEvolving;

/**
 * What the source does when a download session can no longer be read: it expired (the service keeps
 * a download session for 24 hours) or its partition was modified after the session was created (the
 * service then answers {@code TableModified}). Rows of a split are addressed by their index in the
 * session's snapshot. In every policy, rows already emitted stay emitted and are never emitted
 * again, also across restarts from checkpoints.
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
     * Create a new download session of the partition as it stands now and continue there. What is
     * guaranteed:
     *
     * <ul>
     *   <li>rows already emitted are not emitted again: each affected split continues at its next
     *       unread row index, in the new snapshot;
     *   <li>rows the new snapshot has beyond the old session's row count (rows appended after the
     *       old session was created) are read, once;
     *   <li>so for a partition that was only appended to (the usual case: late data) the job emits
     *       the partition as it stands, each row exactly once. When rows were rewritten or deleted,
     *       rows before each split's resume point come from the old snapshot and rows after it from
     *       the new one, so the output may miss or repeat such changed rows.
     * </ul>
     *
     * An expired session of an unchanged partition is continued without loss or duplicates. Session
     * creations go through the same pacing as all others.
     */
    RECREATE,

    /**
     * Skip the rest of the partition: every split of the invalid session ends where it stands (a
     * warning is logged per split), splits of it read later end without rows, and rows appended
     * after the session was created are not read. Rows already emitted stay emitted.
     */
    SKIP
}
