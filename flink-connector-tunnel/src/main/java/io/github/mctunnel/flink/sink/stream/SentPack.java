package io.github.mctunnel.flink.sink.stream;

import org.apache.flink.annotation.Internal;

/**
 * What sending one record pack took.
 *
 * @param records records in the pack
 * @param bytes bytes of the request body (encoded and compressed)
 * @param retries how often the flush was retried (429, 5xx, I/O failures)
 * @param backoffMillis how long the flush waited for the service's back-off
 * @param requestId the service's request id of the acknowledging answer, or null
 */
@Internal
public record SentPack(
        long records, long bytes, int retries, long backoffMillis, String requestId) {

    /** Nothing was sent: the pack was empty. */
    public static final SentPack NOTHING = new SentPack(0, 0, 0, 0, null);
}
