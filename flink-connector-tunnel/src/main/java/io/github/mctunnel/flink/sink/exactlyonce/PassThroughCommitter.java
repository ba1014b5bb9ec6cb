package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.sink2.Committer;

import java.util.Collection;

/**
 * The per-subtask committer: commits nothing, so that the committables reach the global committer
 * ({@link SessionCommitOperator}) once their checkpoint completed.
 */
@Internal
public final class PassThroughCommitter implements Committer<BlockCommittable> {

    @Override
    public void commit(Collection<CommitRequest<BlockCommittable>> committables) {}

    @Override
    public void close() {}
}
