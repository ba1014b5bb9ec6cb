package io.github.mctunnel.flink.upsert;

import org.apache.flink.annotation.Internal;

import java.util.Objects;

/**
 * An upsert session a writer has written to: the writer's state (to re-attach after a restore) and
 * its committable (the committer commits it when the partition is due).
 *
 * @param partition the partition in tunnel form, empty for a non-partitioned table
 * @param sessionId the upsert session id
 * @param subtask the writer subtask that owns the session
 * @param parallelism the writer parallelism when the session was written
 * @param last whether the writer offers it for the last time (its input ended), so the committer
 *     must keep it until committed, waiting for the partition's commit interval if needed
 * @param restored whether it is a session of a writer before a rescaling, handed over once by the
 *     writer that got it back: the committer keeps it until committed and commits it before any
 *     other session of its partition (its changes are older than theirs)
 * @param changes how many changes the writer has written to the session so far (for the report of a
 *     session the service no longer knows)
 */
@Internal
public record UpsertSessionRef(
        String partition,
        String sessionId,
        int subtask,
        int parallelism,
        boolean last,
        boolean restored,
        long changes,
        long checkpoint) {

    public UpsertSessionRef {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(sessionId, "sessionId");
    }

    public UpsertSessionRef(
            String partition,
            String sessionId,
            int subtask,
            int parallelism,
            boolean last,
            boolean restored) {
        this(partition, sessionId, subtask, parallelism, last, restored, 0, -1);
    }

    public UpsertSessionRef(
            String partition,
            String sessionId,
            int subtask,
            int parallelism,
            boolean last,
            boolean restored,
            long changes) {
        this(partition, sessionId, subtask, parallelism, last, restored, changes, -1);
    }

    /** A session the writer offers again at its next checkpoint until it is committed. */
    public UpsertSessionRef(String partition, String sessionId, int subtask, int parallelism) {
        this(partition, sessionId, subtask, parallelism, false, false);
    }

    public UpsertSessionRef(
            String partition, String sessionId, int subtask, int parallelism, boolean last) {
        this(partition, sessionId, subtask, parallelism, last, false);
    }

    /** Whether the committer keeps it until committed (nobody offers it again). */
    public boolean kept() {
        return last || restored;
    }

    /** This ref offered for the last time (its writer stops), kept until committed. */
    public UpsertSessionRef asLast() {
        return new UpsertSessionRef(
                partition, sessionId, subtask, parallelism, true, restored, changes, checkpoint);
    }

    /** This ref kept by the committer until committed, like a handed-over one. */
    public UpsertSessionRef asRestored() {
        return new UpsertSessionRef(
                partition, sessionId, subtask, parallelism, false, true, changes, checkpoint);
    }

    /** This ref handed over by a writer restored from checkpoint {@code restoredFrom}. */
    public UpsertSessionRef handedOverFrom(long restoredFrom) {
        return new UpsertSessionRef(
                partition, sessionId, subtask, parallelism, false, true, changes, restoredFrom);
    }
}
