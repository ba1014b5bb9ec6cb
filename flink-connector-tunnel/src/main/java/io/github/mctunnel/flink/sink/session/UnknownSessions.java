package io.github.mctunnel.flink.sink.session;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Locale;

/**
 * What a sink does with a session the service no longer knows when its commit is due: it expired
 * (sessions live 24 hours) or was removed. Usually its commit ran before (a savepoint or checkpoint
 * restored after its commit, days later); if the commit never ran within the session's lifetime,
 * what was written to it is lost. By default that is logged (table, partition, session, checkpoint,
 * how much was written) and counted, and the job goes on, as Kafka's sink treats transactions that
 * timed out; configured so, it fails the job instead. Shared by the exactly-once (upload sessions)
 * and the upsert sink (upsert sessions).
 */
@Internal
public final class UnknownSessions {

    private static final Logger LOG = LoggerFactory.getLogger(UnknownSessions.class);

    private final String kind;
    private final String table;
    private final boolean fail;
    private final Counter sessions;
    private final Counter records;

    /**
     * @param kind "upload" or "upsert"
     * @param fail an unknown session fails the job instead of being logged and counted
     * @param sessions counts the unknown sessions
     * @param records counts the rows (changes) the writers reported for them
     */
    public UnknownSessions(
            String kind, String table, boolean fail, Counter sessions, Counter records) {
        this.kind = kind;
        this.table = table;
        this.fail = fail;
        this.sessions = sessions;
        this.records = records;
    }

    /**
     * Reports session {@code sessionId} the service no longer knows.
     *
     * @param partition the partition in tunnel form, "" when not partitioned
     * @param checkpoints the checkpoint (or checkpoints) whose commit it is
     * @param count how many rows (changes) the writers reported for it
     * @param written how much was written, as the message says it, e.g. "3 rows in 1 blocks"
     * @param cause the service's answer
     * @throws IOException when configured to fail
     */
    public void report(
            String partition,
            String sessionId,
            String checkpoints,
            long count,
            String written,
            Exception cause)
            throws IOException {
        String message =
                kind.substring(0, 1).toUpperCase(Locale.ROOT)
                        + kind.substring(1)
                        + " session "
                        + sessionId
                        + " of table "
                        + table
                        + (partition.isEmpty() ? "" : " partition " + partition)
                        + " (checkpoint "
                        + checkpoints
                        + ", "
                        + written
                        + ") is unknown to the service: it expired ("
                        + kind
                        + " sessions live 24 hours) or was removed before this commit ran. If its"
                        + " commit ran before (a checkpoint or savepoint restored after it was"
                        + " committed) nothing is lost; otherwise these "
                        + (kind.equals("upsert") ? "changes are lost" : "rows are lost");
        if (fail) {
            throw new IOException(
                    message + " (failing as configured: " + cause.getMessage() + ")", cause);
        }
        sessions.inc();
        records.inc(count);
        LOG.warn("{} ({})", message, cause.getMessage());
    }
}
