package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.annotation.Internal;

import java.io.IOException;

/**
 * Hands a writer the upload session shared by all writers for (partition, epoch) and the writer's
 * block-id range in it.
 */
@Internal
public interface SessionResolver {

    /**
     * @param partition Tunnel form of the partition ("" when the table is not partitioned)
     * @param epoch the checkpoint the rows belong to
     * @return the session id and the writer's block range (never a wait)
     */
    SessionResponse session(String partition, long epoch) throws IOException, InterruptedException;
}
