package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.annotation.Internal;

import java.util.List;

/**
 * What one writer wrote into a shared upload session during one epoch: the session, its partition
 * (Tunnel form, "" when not partitioned), the epoch, the block ids and the number of rows.
 */
@Internal
public record BlockCommittable(
        String sessionId, String partition, long epoch, List<Long> blockIds, long rowCount) {

    public BlockCommittable {
        blockIds = List.copyOf(blockIds);
    }
}
