package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.annotation.Internal;

import java.io.IOException;

/** Hands a writer the id of the upload session shared by all writers for (partition, epoch). */
@Internal
public interface SessionResolver {

    /**
     * @param partition Tunnel form of the partition ("" when the table is not partitioned)
     * @param epoch the checkpoint the rows belong to
     */
    String session(String partition, long epoch) throws IOException, InterruptedException;
}
