package io.github.mctunnel.flink.upsert;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.Committer;

import java.util.Collection;

/**
 * The per-subtask committer of the upsert sink: commits nothing. It runs next to each writer, in
 * whichever TaskManager that is, so all commits are left to the single {@link
 * UpsertCommitOperator}, which paces them.
 */
@Internal
final class UpsertPassThroughCommitter implements Committer<UpsertSessionRef> {

    @Override
    public void commit(Collection<CommitRequest<UpsertSessionRef>> committables) {}

    @Override
    public void close() {}
}
