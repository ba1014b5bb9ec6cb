package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.session.RecordPack;
import io.github.mctunnel.client.session.UpsertRecordLayout;
import io.github.mctunnel.client.session.UpsertSession;
import io.github.mctunnel.flink.client.TunnelClientLease;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.util.List;

/** {@link UpsertTable} over a leased, shared {@link TunnelClient}. */
@Internal
final class TunnelUpsertTable implements UpsertTable {

    private final TunnelClientLease lease;
    private final TunnelClient client;
    private final TableIdentifier table;

    TunnelUpsertTable(TunnelClientLease lease, String table) {
        this.lease = lease;
        this.client = lease.client();
        this.table = client.table(table);
    }

    @Override
    public String name() {
        return table.toString();
    }

    @Override
    public TableSchema schema() throws TunnelException {
        return client.getTable(table).schema();
    }

    @Override
    public UpsertSessionHandle createSession(PartitionSpec partition, int slots)
            throws TunnelException {
        try {
            return new Handle(client.createUpsertSession(table, partition, slots));
        } catch (TunnelException e) {
            if (partition.isEmpty() || !e.hasErrorCode("NoSuchPartition")) {
                throw e;
            }
            client.meta().createPartition(table, partition, true);
            return new Handle(client.createUpsertSession(table, partition, slots));
        }
    }

    @Override
    public UpsertSessionHandle attachSession(PartitionSpec partition, String id)
            throws TunnelException {
        return new Handle(client.attachUpsertSession(table, partition, id));
    }

    @Override
    public void close() {
        lease.close();
    }

    private static final class Handle implements UpsertSessionHandle {
        private final UpsertSession session;

        Handle(UpsertSession session) {
            this.session = session;
        }

        @Override
        public String id() {
            return session.id();
        }

        @Override
        public TableSchema schema() {
            return session.schema();
        }

        @Override
        public List<String> hashKeys() {
            return session.hashKeys();
        }

        @Override
        public String hasher() {
            return session.hasher();
        }

        @Override
        public int bucketCount() {
            return session.bucketCount();
        }

        @Override
        public UpsertRecordLayout recordLayout() {
            return session.recordLayout();
        }

        @Override
        public boolean partialUpdateEnabled() {
            return session.partialUpdateEnabled();
        }

        @Override
        public String status() {
            return session.status();
        }

        @Override
        public void reload() throws TunnelException {
            session.reload();
        }

        @Override
        public void flush(int bucket, RecordPack pack) throws IOException {
            session.flush(bucket, pack);
        }

        @Override
        public void commit() throws TunnelException {
            session.commit();
        }

        @Override
        public void abort() throws TunnelException {
            session.abort();
        }

        @Override
        public String toString() {
            return session.toString();
        }
    }
}
