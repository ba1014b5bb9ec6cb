package io.github.mctunnel.flink.source.enumerator;

import org.apache.flink.annotation.Internal;

import java.util.Objects;

/**
 * A partition whose rows were handed out in splits.
 *
 * @param partition the tunnel form ("" for a non-partitioned table)
 * @param readAtMillis when its first download session with rows was created (enumerator clock)
 * @param rowsCut rows {@code [0, rowsCut)} of the partition are in splits: a replacement session
 *     with more rows hands out only the rows beyond; -1 when unknown (restored from state version
 *     1)
 */
@Internal
public record ReadPartition(String partition, long readAtMillis, long rowsCut) {

    public ReadPartition {
        Objects.requireNonNull(partition, "partition");
    }
}
