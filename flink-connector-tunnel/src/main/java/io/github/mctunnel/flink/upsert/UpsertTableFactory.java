package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.flink.client.SharedTunnelClients;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;

/**
 * Opens the Delta table for a writer or the committer, over the client this JVM shares for the
 * connection ({@link SharedTunnelClients}), so all tasks of a TaskManager share its back-off gates.
 */
@Internal
public final class UpsertTableFactory implements Serializable {

    private static final long serialVersionUID = 1L;

    private final TunnelConnectionOptions options;
    private final String table;

    public UpsertTableFactory(TunnelConnectionOptions options, String table) {
        this.options = options;
        this.table = table;
    }

    public TunnelConnectionOptions options() {
        return options;
    }

    public String table() {
        return table;
    }

    UpsertTable open() {
        return new TunnelUpsertTable(SharedTunnelClients.jvm().acquire(options), table);
    }

    @Override
    public String toString() {
        return "UpsertTableFactory{" + options + ", table=" + table + "}";
    }
}
