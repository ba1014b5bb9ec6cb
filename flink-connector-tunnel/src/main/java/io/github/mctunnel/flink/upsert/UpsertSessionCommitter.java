package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.Sleeper;
import io.github.mctunnel.client.schema.PartitionSpec;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.Committer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
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
 * sessions the writers hold and commits, per partition, at most one session per commit interval,
 * the one waiting longest. A session that is not due is left alone without failing: its writer
 * keeps it open and offers it again at the next checkpoint, so commits cover several checkpoints
 * and the job never waits for the interval.
 *
 * <p>Sessions a writer offers for the last time ({@link UpsertSessionRef#last()}, at end of input;
 * Flink hands them over at the final checkpoint) are all committed in this call, each waiting for
 * the partition's interval if needed, so a bounded job ends with everything committed.
 *
 * <p>A commit that fails with a retryable error is tried again later (at a later checkpoint, or,
 * for a last session, by Flink's committer retries after the interval); a session that was aborted
 * or expired, or a commit the service refuses, fails the job.
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

    UpsertSessionCommitter(UpsertTable table, Duration commitInterval) {
        this(table, commitInterval, System::currentTimeMillis, Sleeper.SYSTEM);
    }

    UpsertSessionCommitter(
            UpsertTable table, Duration commitInterval, LongSupplier clock, Sleeper sleeper) {
        this.table = table;
        this.clock = clock;
        this.pacer = new UpsertCommitPacer(commitInterval, clock, sleeper);
    }

    @Override
    public void commit(Collection<CommitRequest<UpsertSessionRef>> requests)
            throws IOException, InterruptedException {
        // partition -> session id -> its requests, in arrival order
        Map<String, Map<String, List<CommitRequest<UpsertSessionRef>>>> byPartition =
                new LinkedHashMap<>();
        long now = clock.getAsLong();
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
            String partition, Map<String, List<CommitRequest<UpsertSessionRef>>> sessions)
            throws InterruptedException {
        List<String> oldestFirst = new ArrayList<>(sessions.keySet());
        oldestFirst.sort((a, b) -> Long.compare(waitingSince.get(a), waitingSince.get(b)));
        for (String id : oldestFirst) {
            List<CommitRequest<UpsertSessionRef>> requests = sessions.get(id);
            boolean last = requests.stream().anyMatch(r -> r.getCommittable().last());
            if (!pacer.isDue(partition)) {
                if (!last) {
                    continue;
                }
                pacer.awaitDue(partition);
            }
            commitSession(partition, id, requests, last);
        }
    }

    private void commitSession(
            String partition,
            String id,
            List<CommitRequest<UpsertSessionRef>> requests,
            boolean last) {
        try {
            UpsertSessionHandle session = table.attachSession(PartitionSpec.parse(partition), id);
            String status = session.status();
            if ("normal".equals(status) || "committing".equals(status)) {
                try {
                    session.commit();
                } finally {
                    pacer.committed(partition);
                }
                LOG.info(
                        "Committed upsert session {} of {}{}",
                        id,
                        table.name(),
                        partition.isEmpty() ? "" : " partition " + partition);
            } else if (!"committed".equals(status)) {
                fail(
                        requests,
                        new IllegalStateException(
                                "The upsert session "
                                        + id
                                        + " of "
                                        + table.name()
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
            } else if (last) {
                LOG.warn(
                        "Commit of the last upsert session {} of {} failed; retrying after the"
                                + " commit interval",
                        id,
                        table.name(),
                        e);
                requests.forEach(CommitRequest::retryLater);
            } else {
                LOG.warn(
                        "Commit of upsert session {} of {} failed; it is retried after a later"
                                + " checkpoint",
                        id,
                        table.name(),
                        e);
            }
        }
    }

    private static void fail(List<CommitRequest<UpsertSessionRef>> requests, Exception cause) {
        requests.forEach(r -> r.signalFailedWithUnknownReason(cause));
    }

    @Override
    public void close() {
        table.close();
    }
}
