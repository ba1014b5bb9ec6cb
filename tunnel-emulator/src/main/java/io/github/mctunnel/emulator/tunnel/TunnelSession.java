package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.catalog.TableState;

import java.time.Instant;

/** What every tunnel session has: an id, a table, a partition and a lifetime. */
abstract class TunnelSession {

    private final String id;
    private final TableState table;
    private final PartitionSpec partition;
    private final Instant created;
    private volatile Instant expiresAt;

    TunnelSession(
            String id,
            TableState table,
            PartitionSpec partition,
            Instant created,
            Instant expiresAt) {
        this.id = id;
        this.table = table;
        this.partition = partition;
        this.created = created;
        this.expiresAt = expiresAt;
    }

    final String id() {
        return id;
    }

    final TableState table() {
        return table;
    }

    final PartitionSpec partition() {
        return partition;
    }

    final Instant created() {
        return created;
    }

    final boolean expired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** Ends the session's lifetime now (tests use it to simulate the 24 h expiry). */
    final void expire(Instant now) {
        expiresAt = now;
    }
}
