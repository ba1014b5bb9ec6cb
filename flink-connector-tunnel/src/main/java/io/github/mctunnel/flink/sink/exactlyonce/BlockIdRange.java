package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.session.UploadSession;

import org.apache.flink.annotation.Internal;

/**
 * The block ids one writer subtask uses in a shared upload session: the session's ids split into
 * equal, disjoint ranges, so that writers never overwrite each other's blocks and a replayed epoch
 * rewrites the same ids.
 */
@Internal
final class BlockIdRange {

    private final long first;
    private final long size;

    private BlockIdRange(long first, long size) {
        this.first = first;
        this.size = size;
    }

    /** The range of {@code subtask} among {@code parallelism} writers. */
    static BlockIdRange of(int subtask, int parallelism) {
        if (parallelism < 1 || parallelism > UploadSession.MAX_BLOCK_ID) {
            throw new IllegalArgumentException(
                    "The exactly-once Tunnel sink runs at parallelism 1 to "
                            + UploadSession.MAX_BLOCK_ID
                            + " (block ids of a session), got "
                            + parallelism);
        }
        if (subtask < 0 || subtask >= parallelism) {
            throw new IllegalArgumentException(
                    "Subtask " + subtask + " is outside parallelism " + parallelism);
        }
        long size = UploadSession.MAX_BLOCK_ID / parallelism;
        return new BlockIdRange(subtask * size, size);
    }

    long first() {
        return first;
    }

    long size() {
        return size;
    }

    /** The id of the writer's {@code n}-th block of an epoch (0-based), within its range. */
    long id(int n) {
        if (n < 0 || n >= size) {
            throw new IndexOutOfBoundsException(
                    "block " + n + " of an epoch is outside the writer's " + size + " block ids");
        }
        return first + n;
    }
}
