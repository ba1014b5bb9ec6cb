package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.error.TunnelException;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.Committer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;

/**
 * The per-writer committer. It commits the sessions its writer offers for the last time ({@link
 * UpsertSessionRef#last()}, at end of input), each when its partition is due, waiting for the
 * commit interval if needed; every other session it passes on to the global {@link
 * UpsertSessionCommitter}.
 *
 * <p>Why here: Flink (2.x) hands a writer's end-of-input committables to this committer at the
 * final checkpoint, but what this committer then emits reaches no global committer any more (it has
 * already finished its input). Committing here is what makes a bounded job end with all its changes
 * committed.
 */
@Internal
final class UpsertLastSessionCommitter implements Committer<UpsertSessionRef> {

    private static final Logger LOG = LoggerFactory.getLogger(UpsertLastSessionCommitter.class);

    private final UpsertTable table;
    private final UpsertCommitPacer pacer;

    UpsertLastSessionCommitter(UpsertTable table, UpsertCommitPacer pacer) {
        this.table = table;
        this.pacer = pacer;
    }

    @Override
    public void commit(Collection<CommitRequest<UpsertSessionRef>> requests)
            throws InterruptedException {
        for (CommitRequest<UpsertSessionRef> request : requests) {
            UpsertSessionRef ref = request.getCommittable();
            if (!ref.last()) {
                continue;
            }
            try {
                pacer.commitWhenDue(
                        ref.partition(),
                        () ->
                                UpsertSessionCommitter.commitSession(
                                        table, ref.partition(), ref.sessionId()));
            } catch (TunnelException e) {
                if (!e.isRetryable()) {
                    UpsertSessionCommitter.fail(List.of(request), e);
                    return;
                }
                LOG.warn(
                        "Commit of the last upsert session {} of {} failed; retrying after the"
                                + " commit interval",
                        ref.sessionId(),
                        table.name(),
                        e);
                request.retryLater();
            } catch (IllegalStateException e) {
                UpsertSessionCommitter.fail(List.of(request), e);
            }
        }
    }

    @Override
    public void close() {
        table.close();
    }
}
