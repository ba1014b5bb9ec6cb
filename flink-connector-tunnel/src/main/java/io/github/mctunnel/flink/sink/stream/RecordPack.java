package io.github.mctunnel.flink.sink.stream;

import io.github.mctunnel.client.codec.StagedRecord;

import org.apache.flink.annotation.Internal;

import java.io.IOException;

/**
 * A record pack of one stream-tunnel session (one partition): records are encoded as they are
 * appended, {@link #flush()} sends the pack and returns once the service acknowledged it; the pack
 * is then empty and reused.
 */
@Internal
public interface RecordPack {

    /**
     * Encodes one record: the data column fields of {@code record}, in table order (partition key
     * fields after them are not written).
     *
     * @throws IllegalArgumentException naming the column when a value does not fit; the record is
     *     not added
     */
    void append(StagedRecord record) throws IOException;

    /** Encoded bytes buffered since the last flush. */
    long bufferedBytes();

    /** Records buffered since the last flush. */
    long bufferedRecords();

    /**
     * Sends the buffered records and waits for the acknowledgement (retrying per the client's
     * policy). Does nothing when empty ({@link SentPack#NOTHING}).
     *
     * @throws IOException when the service did not acknowledge the pack
     */
    SentPack flush() throws IOException;

    /** The id of the stream session the pack is sent through, for error messages. */
    String sessionId();
}
