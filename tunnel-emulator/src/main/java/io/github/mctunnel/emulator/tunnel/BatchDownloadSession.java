package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.catalog.TableState;

import java.time.Instant;
import java.util.List;

/**
 * A DownloadSession: the partition's rows as of creation (later commits are not seen) and the
 * partition's modification version at that time.
 */
final class BatchDownloadSession extends TunnelSession {

    private final List<Object[]> rows;
    private final long modificationVersion;

    BatchDownloadSession(
            String id,
            TableState table,
            PartitionSpec partition,
            List<Object[]> rows,
            long modificationVersion,
            Instant created,
            Instant expiresAt) {
        super(id, table, partition, created, expiresAt);
        this.rows = rows;
        this.modificationVersion = modificationVersion;
    }

    List<Object[]> rows() {
        return rows;
    }

    long modificationVersion() {
        return modificationVersion;
    }
}
