package io.github.mctunnel.flink.sink.stream;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.session.FlushResult;
import io.github.mctunnel.client.session.StreamUploadSession;
import io.github.mctunnel.flink.client.TunnelClientLease;

import org.apache.flink.annotation.Internal;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Stream tunnel access of one writer: one stream session per partition (or a single
 * dynamic-partition session whose flushes name their partition), packs encoded with the client's
 * record codec and compressed with the configured compression. The Tunnel client is the JVM-shared
 * one of the connection, so a 429/503 answered to one writer makes every writer of the TaskManager
 * back off.
 */
@Internal
final class ClientStreamTunnelConnection implements StreamTunnelConnection {

    private final TunnelClientLease lease;
    private final TunnelClient client;
    private final TableIdentifier table;
    private final boolean dynamicPartition;
    private final PartitionSpec staticPartition;
    private final Compression compression;
    private final Map<PartitionSpec, StreamUploadSession> sessions = new HashMap<>();
    private StreamUploadSession dynamicSession;
    private TableSchema schema;

    ClientStreamTunnelConnection(
            TunnelClientLease lease,
            TableIdentifier table,
            PartitionSpec staticPartition,
            Compression compression) {
        this.lease = lease;
        this.compression = compression;
        this.client = lease.client();
        this.table = table;
        this.dynamicPartition = staticPartition == null;
        this.staticPartition = staticPartition;
    }

    @Override
    public TableSchema schema() throws IOException {
        if (schema == null) {
            if (dynamicPartition) {
                schema = dynamicSession().schema();
            } else {
                schema = session(staticPartition).schema();
            }
        }
        return schema;
    }

    private StreamUploadSession dynamicSession() throws IOException {
        if (dynamicSession == null) {
            dynamicSession =
                    client.createStreamUploadSession(table, PartitionSpec.empty(), true, true, 0);
        }
        return dynamicSession;
    }

    private StreamUploadSession session(PartitionSpec partition) throws IOException {
        StreamUploadSession s = sessions.get(partition);
        if (s == null) {
            s = client.createStreamUploadSession(table, partition, true, false, 0);
            sessions.put(partition, s);
        }
        return s;
    }

    @Override
    public RecordPack openPack(PartitionSpec partition) throws IOException {
        if (dynamicPartition) {
            return new ClientRecordPack(
                    dynamicSession(), partition, partition, schema(), compression);
        }
        return new ClientRecordPack(session(partition), partition, null, schema(), compression);
    }

    @Override
    public void releasePack(RecordPack pack) {
        if (!dynamicPartition) {
            sessions.remove(((ClientRecordPack) pack).partition);
        }
    }

    @Override
    public int openSessions() {
        return sessions.size() + (dynamicSession == null ? 0 : 1);
    }

    @Override
    public void close() {
        sessions.clear();
        dynamicSession = null;
        lease.close();
    }

    /** Buffer whose array is handed to the flush without a copy. */
    private static final class PackBuffer extends ByteArrayOutputStream {
        PackBuffer() {
            super(64 * 1024);
        }

        byte[] array() {
            return buf;
        }
    }

    /** Counts the uncompressed bytes the codec emits. */
    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    private static final class ClientRecordPack implements RecordPack {
        private final StreamUploadSession session;
        private final PartitionSpec partition;
        private final PartitionSpec dynamicTarget;
        private final TableSchema schema;
        private final Compression compression;
        private final PackBuffer buffer = new PackBuffer();
        private OutputStream compressed;
        private CountingStream counting;
        private RecordStreamWriter writer;

        ClientRecordPack(
                StreamUploadSession session,
                PartitionSpec partition,
                PartitionSpec dynamicTarget,
                TableSchema schema,
                Compression compression)
                throws IOException {
            this.session = session;
            this.compression = compression;
            this.partition = partition;
            this.dynamicTarget = dynamicTarget;
            this.schema = schema;
            reset();
        }

        private void reset() throws IOException {
            buffer.reset();
            compressed = compression.compress(buffer);
            counting = new CountingStream(compressed);
            writer = new RecordStreamWriter(schema.columns(), counting);
        }

        @Override
        public void append(Object[] values) throws IOException {
            writer.write(values);
        }

        @Override
        public long bufferedBytes() {
            return counting.count;
        }

        @Override
        public long bufferedRecords() {
            return writer.recordCount();
        }

        @Override
        public String sessionId() {
            return session.id();
        }

        @Override
        public SentPack flush() throws IOException {
            long records = writer.recordCount();
            if (records == 0) {
                return SentPack.NOTHING;
            }
            writer.finish();
            compressed.close();
            int bytes = buffer.size();
            FlushResult result =
                    session.flush(
                            dynamicTarget,
                            compression.contentEncoding(),
                            buffer.array(),
                            0,
                            bytes,
                            records);
            reset();
            return new SentPack(
                    records, bytes, result.retries(), result.backoffMillis(), result.requestId());
        }
    }
}
