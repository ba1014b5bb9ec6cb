package io.github.mctunnel.client.error;

import java.io.IOException;

/**
 * The one exception type of the tunnel client: a failed service call (HTTP status, service error
 * code and message, request id) or a failed transfer (no HTTP status), always with the context of
 * the operation (table, partition, session, block). {@link #getMessage()} names all of them; it
 * never contains credentials.
 */
public class TunnelException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Error code used for failures detected by the client itself. */
    public static final String LOCAL_ERROR = "LocalError";

    private final int httpStatus;
    private final String errorCode;
    private final String serviceMessage;
    private final String requestId;
    private final transient ErrorContext context;
    private final long retryAfterMillis;
    private final boolean permanent;

    public TunnelException(
            int httpStatus,
            String errorCode,
            String serviceMessage,
            String requestId,
            ErrorContext context,
            long retryAfterMillis,
            Throwable cause) {
        this(
                httpStatus,
                errorCode,
                serviceMessage,
                requestId,
                context,
                retryAfterMillis,
                cause,
                false);
    }

    private TunnelException(
            int httpStatus,
            String errorCode,
            String serviceMessage,
            String requestId,
            ErrorContext context,
            long retryAfterMillis,
            Throwable cause,
            boolean permanent) {
        super(format(httpStatus, errorCode, serviceMessage, requestId, context), cause);
        this.permanent = permanent;
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.serviceMessage = serviceMessage;
        this.requestId = requestId;
        this.context = context == null ? ErrorContext.of(null) : context;
        this.retryAfterMillis = retryAfterMillis;
    }

    /** A failure detected by the client (validation, protocol violation), never retried. */
    public static TunnelException local(ErrorContext context, String message) {
        return new TunnelException(0, LOCAL_ERROR, message, null, context, 0, null);
    }

    /**
     * Error code of a request not sent because the service's back-off outlasts its retry budget.
     */
    public static final String BACKING_OFF = "ClientBackingOff";

    /**
     * A request the client did not send: the service throttled this process's requests to the
     * table, and the back-off it demands ends later than the request's retry budget allows. Never
     * retried (sending it sooner is what the service punishes).
     */
    public static TunnelException backingOff(ErrorContext context, String message) {
        return new TunnelException(0, BACKING_OFF, message, null, context, 0, null);
    }

    /** An I/O failure (connection refused, reset, timeout) with no HTTP response. */
    public static TunnelException io(ErrorContext context, IOException cause) {
        String msg = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new TunnelException(0, null, msg, null, context, 0, cause);
    }

    /**
     * An I/O failure that no retry can cure (unknown host, TLS handshake or certificate refused):
     * {@link #isIoFailure()} but never {@link #isRetryable()}.
     */
    public static TunnelException permanentIo(
            ErrorContext context, String message, IOException cause) {
        return new TunnelException(0, null, message, null, context, 0, cause, true);
    }

    private static String format(
            int status, String code, String message, String requestId, ErrorContext context) {
        StringBuilder sb = new StringBuilder();
        sb.append(context == null ? "request" : context.describe()).append(" failed: ");
        if (status > 0) {
            sb.append("HTTP ").append(status).append(", ");
        }
        if (code != null) {
            sb.append("ErrorCode=").append(code).append(", ");
        }
        sb.append("ErrorMessage=").append(message);
        if (requestId != null) {
            sb.append(", RequestId=").append(requestId);
        }
        return sb.toString();
    }

    /** HTTP status of the failed response, or 0 when there was no response. */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The service's error code (e.g. {@code NoSuchTable}), {@link #LOCAL_ERROR}, or null for I/O
     * errors.
     */
    public String errorCode() {
        return errorCode;
    }

    /** The service's (or the client's) error message. */
    public String serviceMessage() {
        return serviceMessage;
    }

    /** The {@code x-odps-request-id} of the failed response, or null. */
    public String requestId() {
        return requestId;
    }

    public ErrorContext context() {
        return context;
    }

    /**
     * How long the service asked the client to wait ({@code Retry-After} or {@code
     * HoldClientMillis}), 0 if it did not.
     */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }

    /** True for failures without an HTTP response (I/O errors). */
    public boolean isIoFailure() {
        return httpStatus == 0 && errorCode == null;
    }

    /** True for 429 and 503: the service asks every thread of the client to back off. */
    public boolean isThrottling() {
        return httpStatus == 429 || httpStatus == 503;
    }

    /**
     * True when a retry may succeed: 429, 5xx, and I/O failures; never 4xx, local errors or
     * {@linkplain #permanentIo permanent I/O failures}.
     */
    public boolean isRetryable() {
        return !permanent && (httpStatus == 429 || httpStatus >= 500 || isIoFailure());
    }

    /** Whether the service reported {@code code}. */
    public boolean hasErrorCode(String code) {
        return code.equals(errorCode);
    }
}
