package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.emulator.server.ServiceException;

/**
 * The tunnel errors the data plane answers with: the service's error codes with the HTTP status the
 * emulator uses for each (the statuses of the real service are not published; these follow the
 * usual mapping: 400 for invalid requests, 404 for missing objects, 409 for state conflicts, 429
 * for exhausted budgets).
 */
final class TunnelErrors {

    private TunnelErrors() {}

    static ServiceException invalidArgument(String message) {
        return new ServiceException(400, "InvalidArgument", message);
    }

    static ServiceException invalidBlockId(String message) {
        return new ServiceException(400, "InvalidBlockID", message);
    }

    static ServiceException invalidRowRange(String message) {
        return new ServiceException(400, "InvalidRowRange", message);
    }

    static ServiceException invalidColumnSpec(String message) {
        return new ServiceException(400, "InvalidColumnSpec", message);
    }

    static ServiceException invalidPartitionSpec(String message) {
        return new ServiceException(400, "InvalidPartitionSpec", message);
    }

    static ServiceException missingPartitionSpec(String table) {
        return new ServiceException(
                400,
                "MissingPartitionSpec",
                "You need to specify a partitionspec along with the specified table " + table);
    }

    static ServiceException malformedDataStream(String message) {
        return new ServiceException(400, "MalformedDataStream", message);
    }

    static ServiceException malformedHeader(String message) {
        return new ServiceException(400, "MalformedHeaderValue", message);
    }

    static ServiceException noSuchPartition(String table, Object partition) {
        return new ServiceException(
                404,
                "NoSuchPartition",
                "The specified partition " + partition + " does not exist in table " + table);
    }

    static ServiceException noSuchSession(String code, String kind, String id) {
        return new ServiceException(
                404, code, "The specified " + kind + " " + id + " does not exist");
    }

    static ServiceException sessionExpired(String code, String kind, String id, Object lifetime) {
        return new ServiceException(
                404,
                code,
                "The " + kind + " " + id + " has expired (sessions live " + lifetime + ")");
    }

    static ServiceException statusConflict(String message) {
        return new ServiceException(
                409,
                "StatusConflict",
                "You cannot complete the specified operation under the current upload or download"
                        + " status: "
                        + message);
    }

    /**
     * The partition changed after the download session was created. The service answers this with
     * {@code TableModified}.
     */
    static ServiceException tableModified(String table, Object partition) {
        return new ServiceException(
                409,
                "TableModified",
                "The specified table "
                        + table
                        + (partition.toString().isEmpty() ? "" : " partition " + partition)
                        + " has been modified since the download initiated. Try initiate another"
                        + " download.");
    }

    /** A rate or concurrency budget is exhausted; {@code Retry-After} tells when to try again. */
    static ServiceException flowExceeded(String message, long retryAfterSeconds) {
        return new ServiceException(429, "FlowExceeded", message)
                .withHeader("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
    }

    /** Slots or stream partitions are exhausted (a capacity limit, retryable like a rate limit). */
    static ServiceException slotExceeded(String message) {
        return new ServiceException(429, "SlotExceeded", message).withHeader("Retry-After", "1");
    }

    static ServiceException requestTimeout(String message) {
        return new ServiceException(408, "RequestTimeOut", message);
    }

    static ServiceException notImplemented(String message) {
        return new ServiceException(501, "NotImplemented", message);
    }

    static ServiceException unsupportedRequest(String method, String suffix, Object params) {
        return new ServiceException(
                400,
                "InvalidURI",
                "The tunnel does not serve "
                        + method
                        + " on the table"
                        + (suffix.isEmpty() ? "" : "/" + suffix)
                        + " resource with parameters "
                        + params);
    }
}
