package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.UpsertSession;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.Committer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The single (global) committer of the upsert sink. After each completed checkpoint it gets the
 * sessions the writers hold and commits, per partition, at most one session per commit interval:
 * the one waiting longest. A session that is not due is left alone without failing: its writer
 * keeps it open and offers it again at the next checkpoint, so commits cover several checkpoints
 * and the job never waits for the interval. Only sessions of finished writers (end of input), which
 * are offered once, are committed right away, waiting for the interval if needed.
 *
 * <p>A commit that fails with a retryable error is tried again at a later checkpoint; a session
 * that was aborted or expired fails the job, since its changes cannot be committed any more.
 */
@Internal
public final class UpsertSessionCommitter implements Committer<UpsertSessionRef> {

    private static final Logger LOG = LoggerFactory.getLogger(UpsertSessionCommitter.class);
    private static final int REMEMBERED_SESSIONS = 10_000;

    private final TunnelClient client;
    private final TableIdentifier table;
    private final UpsertCommitPacer pacer;
    private final LongSupplier clock;
    private final Map<String, Long> waitingSince = new HashMap<>();
    private final Map<String, Boolean> committed =
            new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED_SESSIONS;
                }
            };

    public UpsertSessionCommitter(TunnelClient client, String table, Duration commitInterval) {
        this(client, table, commitInterval, System::currentTimeMillis);
    }

    UpsertSessionCommitter(
            TunnelClient client, String table, Duration commitInterval, LongSupplier clock) {
        this.client = client;
        this.table = client.table(table);
        this.clock = clock;
        this.pacer = new UpsertCommitPacer(commitInterval, clock);
    }

    @Override
    public void commit(Collection<CommitRequest<UpsertSessionRef>> requests) {
        // partition -> session id -> its requests, in arrival order
        Map<String, Map<String, List<CommitRequest<UpsertSessionRef>>>> byPartition =
                new LinkedHashMap<>();
        long now = clock.getAsLong();
        System.err.println(
                "DEBUGC " + now + " " + requests.stream().map(r -> r.getCommittable()).toList());
        for (CommitRequest<UpsertSessionRef> request : requests) {
            UpsertSessionRef ref = request.getCommittable();
            if (committed.containsKey(ref.sessionId())) {
                request.signalAlreadyCommitted();
                continue;
            }
            waitingSince.putIfAbsent(ref.sessionId(), now);
            byPartition
                    .computeIfAbsent(ref.partition(), p -> new LinkedHashMap<>())
                    .computeIfAbsent(ref.sessionId(), s -> new ArrayList<>())
                    .add(request);
        }
        for (Map.Entry<String, Map<String, List<CommitRequest<UpsertSessionRef>>>> e :
                byPartition.entrySet()) {
            commitPartition(e.getKey(), e.getValue());
        }
    }

    private void commitPartition(
            String partition, Map<String, List<CommitRequest<UpsertSessionRef>>> sessions) {
        if (!pacer.isDue(partition)) {
            return;
        }
        String oldest = null;
        for (String id : sessions.keySet()) {
            if (oldest == null || waitingSince.get(id) < waitingSince.get(oldest)) {
                oldest = id;
            }
        }
        commitSession(partition, oldest, sessions.get(oldest));
    }

    private void commitSession(
            String partition, String id, List<CommitRequest<UpsertSessionRef>> requests) {
        try {
            UpsertSession session =
                    client.attachUpsertSession(table, PartitionSpec.parse(partition), id);
            String status = session.status();
            if ("normal".equals(status) || "committing".equals(status)) {
                try {
                    session.commit();
                } finally {
                    pacer.committed(partition);
                }
                LOG.info("Committed upsert session {} of {} {}", id, table, partition);
            } else if (!"committed".equals(status)) {
                fail(
                        requests,
                        new IllegalStateException(
                                "The upsert session "
                                        + id
                                        + " of "
                                        + table
                                        + (partition.isEmpty() ? "" : " partition " + partition)
                                        + " is '"
                                        + status
                                        + "' and cannot be committed; its changes are lost"));
                return;
            }
            committed.put(id, Boolean.TRUE);
            waitingSince.remove(id);
        } catch (TunnelException e) {
            if (!e.isRetryable()) {
                fail(requests, e);
            } else {
                LOG.warn(
                        "Commit of upsert session {} of {} failed; it is retried after a later"
                                + " checkpoint",
                        id,
                        table,
                        e);
            }
        }
    }

    private static void fail(List<CommitRequest<UpsertSessionRef>> requests, Exception cause) {
        requests.forEach(r -> r.signalFailedWithUnknownReason(cause));
    }

    @Override
    public void close() throws Exception {
        client.close();
    }
}
