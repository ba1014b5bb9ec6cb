package io.github.mctunnel.client.session;

/** How a commit ended. */
public enum CommitOutcome {
    /** This call committed the session. */
    COMMITTED,
    /**
     * The session had already been committed (e.g. a replayed commit after a failure); nothing was
     * changed. For an exactly-once sink this counts as success.
     */
    ALREADY_COMMITTED
}
