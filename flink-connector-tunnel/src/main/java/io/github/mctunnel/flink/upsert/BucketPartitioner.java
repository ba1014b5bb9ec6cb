package io.github.mctunnel.flink.upsert;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.Partitioner;

/**
 * Sends bucket {@code b} to writer subtask {@code b % parallelism}, so each bucket (and so each
 * key) is written by exactly one writer, in order.
 */
@Internal
public final class BucketPartitioner implements Partitioner<Integer> {

    private static final long serialVersionUID = 1L;

    /** The writer subtask that owns {@code bucket}. */
    public static int ownerOf(int bucket, int parallelism) {
        return bucket % parallelism;
    }

    @Override
    public int partition(Integer bucket, int numPartitions) {
        return ownerOf(bucket, numPartitions);
    }
}
