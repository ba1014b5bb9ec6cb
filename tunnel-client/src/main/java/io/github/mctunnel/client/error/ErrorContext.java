package io.github.mctunnel.client.error;

/**
 * What a request was about, for error messages: the operation and, when known, the table,
 * partition, session id and block id. Unknown parts are null (block id: -1).
 */
public record ErrorContext(
        String operation, String table, String partition, String sessionId, long blockId) {

    public static ErrorContext of(String operation) {
        return new ErrorContext(operation, null, null, null, -1);
    }

    public ErrorContext withTable(String table) {
        return new ErrorContext(operation, table, partition, sessionId, blockId);
    }

    /** Sets the partition; an empty spec counts as none. */
    public ErrorContext withPartition(String partition) {
        String p = partition == null || partition.isEmpty() ? null : partition;
        return new ErrorContext(operation, table, p, sessionId, blockId);
    }

    public ErrorContext withSessionId(String sessionId) {
        return new ErrorContext(operation, table, partition, sessionId, blockId);
    }

    public ErrorContext withBlockId(long blockId) {
        return new ErrorContext(operation, table, partition, sessionId, blockId);
    }

    public ErrorContext withOperation(String operation) {
        return new ErrorContext(operation, table, partition, sessionId, blockId);
    }

    /** E.g. {@code write block of p.t (partition=pt=1, session=UP1, block=3)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(operation == null ? "request" : operation);
        if (table != null) {
            sb.append(" of ").append(table);
        }
        StringBuilder details = new StringBuilder();
        if (partition != null) {
            details.append("partition=").append(partition);
        }
        if (sessionId != null) {
            details.append(details.length() > 0 ? ", " : "").append("session=").append(sessionId);
        }
        if (blockId >= 0) {
            details.append(details.length() > 0 ? ", " : "").append("block=").append(blockId);
        }
        if (details.length() > 0) {
            sb.append(" (").append(details).append(')');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
