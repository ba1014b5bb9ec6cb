package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.session.UploadSession;

import org.apache.flink.annotation.Internal;

/**
 * The block ids one writer subtask uses in a shared upload session: the session's 20,000 ids split
 * into {@link SessionLifecycle#GENERATIONS} generations of 5,000 (a fixed stride, whatever the
 * parallelism, so ranges of generations never overlap after a rescaling), each split into equal,
 * disjoint ranges per subtask. Writers never overwrite each other's blocks, and the writers of a
 * failed attempt (which wrote in an earlier generation) never write an id that a later attempt
 * reports.
 */
@Internal
final class BlockIdRange {

    /** The largest parallelism: every writer of every generation gets at least one block id. */
    static final int MAX_PARALLELISM =
            (int) (UploadSession.MAX_BLOCK_ID / SessionLifecycle.GENERATIONS);

    /** Block ids of one generation. */
    static final long GENERATION_SPAN = UploadSession.MAX_BLOCK_ID / SessionLifecycle.GENERATIONS;

    private final long first;
    private final long size;

    BlockIdRange(long first, long size) {
        if (first < 0 || size < 1 || first + size > UploadSession.MAX_BLOCK_ID) {
            throw new IllegalArgumentException(
                    "Block ids ["
                            + first
                            + ", "
                            + (first + size)
                            + ") are outside a session's [0, "
                            + UploadSession.MAX_BLOCK_ID
                            + ")");
        }
        this.first = first;
        this.size = size;
    }

    /** The range of {@code subtask} among {@code parallelism} writers in block generation 0. */
    static BlockIdRange of(int subtask, int parallelism) {
        return of(subtask, parallelism, 0);
    }

    /** The range of {@code subtask} among {@code parallelism} writers in {@code generation}. */
    static BlockIdRange of(int subtask, int parallelism, int generation) {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException(
                    "The exactly-once Tunnel sink runs at parallelism 1 to "
                            + MAX_PARALLELISM
                            + " (a session's "
                            + UploadSession.MAX_BLOCK_ID
                            + " block ids are split among the writers in "
                            + SessionLifecycle.GENERATIONS
                            + " generations), got "
                            + parallelism);
        }
        if (subtask < 0 || subtask >= parallelism) {
            throw new IllegalArgumentException(
                    "Subtask " + subtask + " is outside parallelism " + parallelism);
        }
        if (generation < 0 || generation >= SessionLifecycle.GENERATIONS) {
            throw new IllegalArgumentException(
                    "Block generation "
                            + generation
                            + " is outside [0, "
                            + SessionLifecycle.GENERATIONS
                            + ")");
        }
        long size = GENERATION_SPAN / parallelism;
        return new BlockIdRange(generation * GENERATION_SPAN + subtask * size, size);
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
