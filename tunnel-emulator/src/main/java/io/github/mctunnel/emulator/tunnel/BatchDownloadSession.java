package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.catalog.CommittedRows;
import io.github.mctunnel.emulator.catalog.TableState;

import java.time.Instant;

/**
 * A DownloadSession: the partition's rows as of creation (later commits are not seen) and the
 * partition's modification version at that time.
 */
final class BatchDownloadSession extends TunnelSession {

    private final CommittedRows rows;
    private final long modificationVersion;

    BatchDownloadSession(
            String id,
            TableState table,
            PartitionSpec partition,
            CommittedRows rows,
            long modificationVersion,
            Instant created,
            Instant expiresAt) {
        super(id, table, partition, created, expiresAt);
        this.rows = rows;
        this.modificationVersion = modificationVersion;
    }

    CommittedRows rows() {
        return rows;
    }

    long modificationVersion() {
        return modificationVersion;
    }
}
