package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.CommitOutcome;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.Committer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The global committer: commits each upload session once with the union of the block ids all
 * writers reported for it. Blocks the service holds beyond that union were written by an attempt
 * that failed (its rows are replayed under the same or other ids), so they are replaced by empty
 * blocks before the commit. A session found committed already (a replay after a failure) counts as
 * committed. Commits are paced inside the table's commit budget.
 */
@Internal
public final class SessionCommitter implements Committer<BlockCommittable> {

    private static final Logger LOG = LoggerFactory.getLogger(SessionCommitter.class);

    private final TunnelClient client;
    private final TableIdentifier tableId;
    private final SlidingWindowBudget commits;

    public SessionCommitter(
            TunnelConnectionOptions connection, String table, TableWriteLimits limits) {
        this.client = connection.clientBuilder().build();
        this.tableId = client.table(table);
        this.commits = new SlidingWindowBudget(limits.commitsPer15Seconds(), 15_000);
    }

    @Override
    public void commit(Collection<CommitRequest<BlockCommittable>> requests)
            throws IOException, InterruptedException {
        Map<String, List<CommitRequest<BlockCommittable>>> bySession = new LinkedHashMap<>();
        for (CommitRequest<BlockCommittable> r : requests) {
            bySession
                    .computeIfAbsent(r.getCommittable().sessionId(), id -> new ArrayList<>())
                    .add(r);
        }
        for (List<CommitRequest<BlockCommittable>> group : bySession.values()) {
            commitSession(group);
        }
    }

    private void commitSession(List<CommitRequest<BlockCommittable>> group)
            throws IOException, InterruptedException {
        BlockCommittable first = group.get(0).getCommittable();
        TreeSet<Long> blocks = new TreeSet<>();
        long rows = 0;
        for (CommitRequest<BlockCommittable> r : group) {
            blocks.addAll(r.getCommittable().blockIds());
            rows += r.getCommittable().rowCount();
        }
        try {
            UploadSession session =
                    client.attachUploadSession(
                            tableId, PartitionSpec.parse(first.partition()), first.sessionId());
            if (UploadSessions.isCommitted(session)) {
                group.forEach(CommitRequest::signalAlreadyCommitted);
                return;
            }
            TreeSet<Long> stale = new TreeSet<>(session.blockList());
            stale.removeAll(blocks);
            if (!stale.isEmpty()) {
                LOG.info(
                        "Emptying blocks {} of session {} written by a failed attempt",
                        stale,
                        first.sessionId());
                UploadSessions.empty(session, stale);
            }
            TreeSet<Long> all = new TreeSet<>(blocks);
            all.addAll(stale);
            long wait;
            while ((wait = commits.waitMillis(System.currentTimeMillis())) > 0) {
                Thread.sleep(wait);
            }
            commits.record(System.currentTimeMillis());
            CommitOutcome outcome = session.commit(all);
            LOG.info(
                    "Session {} of {} epoch {}: {} ({} rows in {} blocks)",
                    first.sessionId(),
                    first.partition().isEmpty() ? "table" : first.partition(),
                    first.epoch(),
                    outcome,
                    rows,
                    blocks.size());
            if (outcome == CommitOutcome.ALREADY_COMMITTED) {
                group.forEach(CommitRequest::signalAlreadyCommitted);
            }
        } catch (TunnelException e) {
            if (e.isRetryable()) {
                LOG.warn("Commit of session {} failed, retrying later", first.sessionId(), e);
                group.forEach(CommitRequest::retryLater);
            } else {
                throw e;
            }
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
    }
}
