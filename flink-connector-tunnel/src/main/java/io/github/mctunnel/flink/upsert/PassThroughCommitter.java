package io.github.mctunnel.flink.upsert;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.Committer;

import java.util.Collection;

/**
 * The per-subtask committer: it commits nothing and passes every session on to the single {@link
 * UpsertSessionCommitter}, which alone knows when each partition may commit again.
 */
@Internal
final class PassThroughCommitter implements Committer<UpsertSessionRef> {

    @Override
    public void commit(Collection<CommitRequest<UpsertSessionRef>> requests) {}

    @Override
    public void close() {}
}
