package io.github.mctunnel.flink.sink.stream;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.client.SharedTunnelClients;
import io.github.mctunnel.flink.client.TunnelClientLease;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.sink.session.SessionLifetime;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

/** Connects sink writers to the service through the Tunnel client's stream upload sessions. */
@Internal
public final class ClientStreamTunnelConnectionFactory implements StreamTunnelConnectionFactory {

    private static final long serialVersionUID = 1L;

    /**
     * Default age at which a writer replaces its stream session: an hour before the service's 24 h
     * session lifetime ends.
     */
    public static final Duration DEFAULT_SESSION_RENEWAL =
            Duration.ofMillis(SessionLifetime.MAX_HAND_OUT_AGE_MILLIS);

    private final TunnelConnectionOptions options;
    private final String table;
    private final Compression compression;
    private final Duration sessionRenewal;

    /** Tunnel form of the static partition ("" when not partitioned), null for dynamic. */
    private final String staticPartition;

    /**
     * @param staticPartition the partition all records go to (empty when the table is not
     *     partitioned), or null for dynamic partitioning
     * @param compression of the record packs sent
     */
    public ClientStreamTunnelConnectionFactory(
            TunnelConnectionOptions options,
            String table,
            PartitionSpec staticPartition,
            Compression compression) {
        this(options, table, staticPartition, compression, DEFAULT_SESSION_RENEWAL);
    }

    /**
     * @param sessionRenewal the age at which a stream session is replaced by a new one before its
     *     next flush; shorter than the service's session lifetime (24 h)
     */
    public ClientStreamTunnelConnectionFactory(
            TunnelConnectionOptions options,
            String table,
            PartitionSpec staticPartition,
            Compression compression,
            Duration sessionRenewal) {
        if (sessionRenewal == null || sessionRenewal.isNegative() || sessionRenewal.isZero()) {
            throw new IllegalArgumentException(
                    "the stream session renewal age must be positive, got " + sessionRenewal);
        }
        this.options = options;
        this.table = table;
        this.compression = compression;
        this.sessionRenewal = sessionRenewal;
        this.staticPartition = staticPartition == null ? null : staticPartition.toString();
    }

    @Override
    public StreamTunnelConnection connect() throws IOException {
        return connect(Clock.systemUTC());
    }

    /**
     * A connection whose sessions age by {@code clock} (the writer's clock): they are renewed once
     * {@code sessionRenewal} old by it.
     */
    public StreamTunnelConnection connect(Clock clock) throws IOException {
        TunnelClientLease lease = SharedTunnelClients.jvm().acquire(options);
        try {
            return new ClientStreamTunnelConnection(
                    lease,
                    lease.client().table(table),
                    staticPartition == null ? null : PartitionSpec.parse(staticPartition),
                    compression,
                    clock,
                    sessionRenewal);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    @Override
    public TableSchema tableSchema() throws IOException {
        try (TunnelClientLease lease = SharedTunnelClients.jvm().acquire(options)) {
            TunnelClient client = lease.client();
            return client.getTable(client.table(table)).schema();
        }
    }

    @Override
    public String toString() {
        return "ClientStreamTunnelConnectionFactory{"
                + options
                + ", table="
                + table
                + (staticPartition == null
                        ? ", dynamic partitions"
                        : ", partition=" + staticPartition)
                + ", compression="
                + compression
                + ", sessionRenewal="
                + sessionRenewal
                + '}';
    }
}
