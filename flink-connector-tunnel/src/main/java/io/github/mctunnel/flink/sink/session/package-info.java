/**
 * The session lifecycle core shared by the exactly-once sink (upload sessions) and the upsert sink
 * (upsert sessions): how long a session lives and may be handed out ({@link
 * io.github.mctunnel.flink.sink.session.SessionLifetime}), what the service says of it ({@link
 * io.github.mctunnel.flink.sink.session.SessionStatus}), which execution attempts of a writer may
 * still get one ({@link io.github.mctunnel.flink.sink.session.ExecutionAttempts}), the sessions out
 * of use whose commit a committer runs, tracked until the service reports them done ({@link
 * io.github.mctunnel.flink.sink.session.RetiredSessions}), and what a committer does with a session
 * the service no longer knows ({@link io.github.mctunnel.flink.sink.session.UnknownSessions}).
 *
 * <p>Each sink's coordinator on the JobManager runs these on its own thread: {@code
 * SessionLifecycle} for upload sessions (one per partition and checkpoint epoch, block ranges,
 * fencing generations, spares), {@code UpsertSessionLifecycle} for upsert sessions (one per
 * partition and commit period).
 */
package io.github.mctunnel.flink.sink.session;
