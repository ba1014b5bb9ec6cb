package io.github.mctunnel.client.session;

/**
 * The answer to a stream flush.
 *
 * @param requestId the service's request id (the flush's trace id), or null
 * @param batchId the service's batch id ({@code odps-tunnel-batch-id}), or -1 when not sent
 * @param slotId the slot the pack was written to
 */
public record FlushResult(String requestId, long batchId, String slotId) {}
