package io.github.mctunnel.client.session;

/**
 * The answer to a stream flush.
 *
 * @param requestId the service's request id (the flush's trace id), or null
 * @param batchId the service's batch id ({@code odps-tunnel-batch-id}), or -1 when not sent
 * @param slotId the slot the pack was written to
 * @param retries how often the flush was retried (429, 5xx, I/O failures)
 * @param backoffMillis how long the flush waited for back-off (its own retries and the shared gate
 *     of the endpoint and table)
 */
public record FlushResult(
        String requestId, long batchId, String slotId, int retries, long backoffMillis) {

    /** A flush that succeeded at the first attempt without waiting. */
    public FlushResult(String requestId, long batchId, String slotId) {
        this(requestId, batchId, slotId, 0, 0);
    }

    /** This result with the retry figures of the call that produced it. */
    FlushResult withRetries(int retries, long backoffMillis) {
        return new FlushResult(requestId, batchId, slotId, retries, backoffMillis);
    }
}
