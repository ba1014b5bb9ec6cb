package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.Committer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The single (global) committer of the upsert sink. After each completed checkpoint it gets the
 * sessions the writers hold and commits, per partition, at most one session per commit interval,
 * the one waiting longest. A session that is not due is left alone without failing: its writer
 * keeps it open and offers it again at the next checkpoint, so commits cover several checkpoints
 * and the job never waits for the interval.
 *
 * <p>Sessions offered for the last time ({@link UpsertSessionRef#last()}) were already committed by
 * their writer's {@link UpsertLastSessionCommitter} before they reach this committer.
 *
 * <p>A commit that fails with a retryable error is tried again at a later checkpoint; a session
 * that was aborted or expired, or a commit the service refuses, fails the job.
 */
@Internal
public final class UpsertSessionCommitter implements Committer<UpsertSessionRef> {

    private static final Logger LOG = LoggerFactory.getLogger(UpsertSessionCommitter.class);
    private static final int REMEMBERED_SESSIONS = 10_000;

    private final UpsertTable table;
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

    UpsertSessionCommitter(UpsertTable table, UpsertCommitPacer pacer) {
        this(table, pacer, System::currentTimeMillis);
    }

    UpsertSessionCommitter(UpsertTable table, UpsertCommitPacer pacer, LongSupplier clock) {
        this.table = table;
        this.pacer = pacer;
        this.clock = clock;
    }

    @Override
    public void commit(Collection<CommitRequest<UpsertSessionRef>> requests) {
        // partition -> session id -> its requests, in arrival order
        Map<String, Map<String, List<CommitRequest<UpsertSessionRef>>>> byPartition =
                new LinkedHashMap<>();
        long now = clock.getAsLong();
        for (CommitRequest<UpsertSessionRef> request : requests) {
            UpsertSessionRef ref = request.getCommittable();
            if (ref.last() || committed.containsKey(ref.sessionId())) {
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
        String oldest = null;
        for (String id : sessions.keySet()) {
            if (oldest == null || waitingSince.get(id) < waitingSince.get(oldest)) {
                oldest = id;
            }
        }
        String id = oldest;
        List<CommitRequest<UpsertSessionRef>> requests = sessions.get(id);
        try {
            boolean ran = pacer.commitIfDue(partition, () -> commitSession(table, partition, id));
            if (ran) {
                committed.put(id, Boolean.TRUE);
                waitingSince.remove(id);
            }
        } catch (TunnelException e) {
            if (!e.isRetryable()) {
                fail(requests, e);
                return;
            }
            LOG.warn(
                    "Commit of upsert session {} of {} failed; it is retried after a later"
                            + " checkpoint",
                    id,
                    table.name(),
                    e);
        } catch (IllegalStateException e) {
            fail(requests, e);
        }
    }

    /**
     * Commits the session unless it is committed already.
     *
     * @throws IllegalStateException when it was aborted or expired
     */
    static void commitSession(UpsertTable table, String partition, String id)
            throws TunnelException {
        UpsertSessionHandle session = table.attachSession(PartitionSpec.parse(partition), id);
        String status = session.status();
        if ("normal".equals(status) || "committing".equals(status)) {
            session.commit();
            LOG.info(
                    "Committed upsert session {} of {}{}",
                    id,
                    table.name(),
                    partition.isEmpty() ? "" : " partition " + partition);
        } else if (!"committed".equals(status)) {
            throw new IllegalStateException(
                    "The upsert session "
                            + id
                            + " of "
                            + table.name()
                            + (partition.isEmpty() ? "" : " partition " + partition)
                            + " is '"
                            + status
                            + "' and cannot be committed; its changes are lost");
        }
    }

    static void fail(List<CommitRequest<UpsertSessionRef>> requests, Exception cause) {
        requests.forEach(r -> r.signalFailedWithUnknownReason(cause));
    }

    @Override
    public void close() {
        table.close();
    }
}
