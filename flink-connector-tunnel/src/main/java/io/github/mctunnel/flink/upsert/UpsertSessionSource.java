package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.PartitionSpec;

import org.apache.flink.annotation.Internal;

import java.io.IOException;

/** Where an upsert writer gets the session all writers share for a partition. */
@Internal
interface UpsertSessionSource {

    /**
     * The id of the partition's current shared session.
     *
     * @param replaced the session the writer found unusable (committed, expired), or null
     */
    String session(PartitionSpec partition, String replaced)
            throws IOException, InterruptedException;
}
