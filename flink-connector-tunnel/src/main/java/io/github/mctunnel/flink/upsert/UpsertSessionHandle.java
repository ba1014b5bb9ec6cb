package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.session.RecordPack;
import io.github.mctunnel.client.session.UpsertRecordLayout;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.util.List;

/**
 * An upsert session as the sink uses it (implemented over {@code UpsertSession} by {@link
 * TunnelUpsertTable}; tests use a hand-written double).
 */
@Internal
interface UpsertSessionHandle {

    String id();

    /** The table's data columns. */
    TableSchema schema();

    /** The primary-key column names in hash order. */
    List<String> hashKeys();

    /** The hash family, {@code default} or {@code legacy}. */
    String hasher();

    int bucketCount();

    UpsertRecordLayout recordLayout();

    /** Whether the table takes partial-column updates ({@code enable_partial_update}). */
    boolean partialUpdateEnabled();

    /**
     * Status as last read, lower case: normal, committing, committed, expired, critical, aborted.
     */
    String status();

    /** Re-reads the status. */
    void reload() throws TunnelException;

    /** Flushes {@code pack} to {@code bucket} and resets it for reuse. */
    void flush(int bucket, RecordPack pack) throws IOException;

    /** Commits and returns once the session is committed. */
    void commit() throws TunnelException;

    void abort() throws TunnelException;
}
