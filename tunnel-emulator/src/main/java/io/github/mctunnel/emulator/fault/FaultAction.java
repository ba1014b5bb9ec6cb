package io.github.mctunnel.emulator.fault;

import java.time.Duration;

/** What a fault does to a matching request. */
public sealed interface FaultAction {

    /** Answer with this error instead of serving the request. */
    record Fail(int status, String code, String message, Integer retryAfterSeconds)
            implements FaultAction {}

    /** Read this many request-body bytes, then reset the connection without an answer. */
    record ResetDuringRequestBody(long afterBytes) implements FaultAction {}

    /** Serve the request, but cut the connection after this many response-body bytes. */
    record DropResponseAfter(long bytes) implements FaultAction {}

    /** Serve the request after this delay. */
    record Delay(Duration delay) implements FaultAction {}
}
