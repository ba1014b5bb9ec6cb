package io.github.mctunnel.flink.sink.stream;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.session.FlushResult;
import io.github.mctunnel.client.session.StreamUploadSession;
import io.github.mctunnel.flink.client.TunnelClientLease;

import org.apache.flink.annotation.Internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Stream tunnel access of one writer: one stream session per partition (or a single
 * dynamic-partition session whose flushes name their partition), packs encoded with the client's
 * record codec and compressed with the configured compression. The Tunnel client is the JVM-shared
 * one of the connection, so a 429/503 answered to one writer makes every writer of the TaskManager
 * back off.
 *
 * <p>Sessions live as long as the job. The service ends a stream session 24 h after its creation; a
 * session is replaced by a new one before a flush once it is {@code renewAfter} old (23 h by
 * default, by this connection's clock), and a flush the service refuses with 404 {@code
 * NoSuchUpload} (the session expired or is otherwise gone) is sent once more through a new session:
 * a refused pack was not written, so nothing is lost or written twice. Replacement happens only
 * between flushes, a pack is never dropped, and the old session is simply no longer used (the
 * stream tunnel cannot close a session; the service frees its slots once it is idle): the
 * connection holds at most one session per partition (one in all with dynamic partitions).
 */
@Internal
final class ClientStreamTunnelConnection implements StreamTunnelConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ClientStreamTunnelConnection.class);

    private final TunnelClientLease lease;
    private final TunnelClient client;
    private final TableIdentifier table;
    private final boolean dynamicPartition;
    private final PartitionSpec staticPartition;
    private final Compression compression;
    private final Clock clock;
    private final long renewAfterMillis;
    private final Map<PartitionSpec, Held> sessions = new HashMap<>();
    private Held dynamicSession;
    private TableSchema schema;
    private long renewed;
    private long expired;

    /** A session and when this connection created it (its clock's millis). */
    private record Held(StreamUploadSession session, long createdMillis) {}

    ClientStreamTunnelConnection(
            TunnelClientLease lease,
            TableIdentifier table,
            PartitionSpec staticPartition,
            Compression compression,
            Clock clock,
            Duration renewAfter) {
        if (renewAfter == null || renewAfter.isNegative() || renewAfter.isZero()) {
            throw new IllegalArgumentException(
                    "the stream session renewal age must be positive, got " + renewAfter);
        }
        this.lease = lease;
        this.compression = compression;
        this.client = lease.client();
        this.table = table;
        this.dynamicPartition = staticPartition == null;
        this.staticPartition = staticPartition;
        this.clock = clock;
        this.renewAfterMillis = renewAfter.toMillis();
    }

    @Override
    public TableSchema schema() throws IOException {
        if (schema == null) {
            if (dynamicPartition) {
                schema = dynamicSession().session().schema();
            } else {
                schema = session(staticPartition).session().schema();
            }
        }
        return schema;
    }

    private Held create(PartitionSpec partition) throws IOException {
        long now = clock.millis();
        StreamUploadSession s =
                dynamicPartition
                        ? client.createStreamUploadSession(
                                table, PartitionSpec.empty(), true, true, 0)
                        : client.createStreamUploadSession(table, partition, true, false, 0);
        return new Held(s, now);
    }

    private Held dynamicSession() throws IOException {
        if (dynamicSession == null) {
            dynamicSession = create(null);
        }
        return dynamicSession;
    }

    private Held session(PartitionSpec partition) throws IOException {
        Held s = sessions.get(partition);
        if (s == null) {
            s = create(partition);
            sessions.put(partition, s);
        }
        return s;
    }

    /** The session the pack of {@code partition} is sent through now; null when released. */
    private Held current(PartitionSpec partition) {
        return dynamicPartition ? dynamicSession : sessions.get(partition);
    }

    /**
     * The session to flush {@code partition}'s pack through: the current one, or a new one when the
     * current one is {@code renewAfter} old.
     */
    private Held sessionForFlush(PartitionSpec partition) throws IOException {
        Held held = dynamicPartition ? dynamicSession() : session(partition);
        long age = clock.millis() - held.createdMillis();
        if (age >= renewAfterMillis) {
            Held fresh = replace(partition, held);
            renewed++;
            LOG.info(
                    "Renewed the stream session of table {}{} after {} min: {} replaces {}",
                    table,
                    dynamicPartition ? "" : " partition " + partition,
                    age / 60_000,
                    fresh.session().id(),
                    held.session().id());
            return fresh;
        }
        return held;
    }

    /**
     * The session to resend through after the service refused {@code gone}'s flush with {@code
     * NoSuchUpload}: a new one, unless another pack already replaced it (dynamic partitions).
     */
    private Held replaceGone(PartitionSpec partition, Held gone, TunnelException refusal)
            throws IOException {
        Held now = current(partition);
        if (now != null && now != gone) {
            return now;
        }
        Held fresh = replace(partition, gone);
        expired++;
        LOG.warn(
                "The stream session {} of table {}{} is gone ({}, RequestId={}), {} min after it"
                        + " was created; the refused pack is sent again through the new session {}",
                gone.session().id(),
                table,
                dynamicPartition ? "" : " partition " + partition,
                refusal.serviceMessage(),
                refusal.requestId(),
                (clock.millis() - gone.createdMillis()) / 60_000,
                fresh.session().id());
        return fresh;
    }

    /** Creates the successor of {@code old}; it must have the table schema the packs encode. */
    private Held replace(PartitionSpec partition, Held old) throws IOException {
        Held fresh = create(partition);
        if (schema != null && !schema.equals(fresh.session().schema())) {
            throw new IOException(
                    "The schema of table "
                            + table
                            + " changed while the job ran: the new stream session "
                            + fresh.session().id()
                            + " (replacing "
                            + old.session().id()
                            + ") has the columns "
                            + fresh.session().schema()
                            + ", the sink encodes "
                            + schema
                            + "; restart the job to write with the new schema");
        }
        if (dynamicPartition) {
            dynamicSession = fresh;
        } else {
            sessions.put(partition, fresh);
        }
        return fresh;
    }

    @Override
    public RecordPack openPack(PartitionSpec partition) throws IOException {
        if (dynamicPartition) {
            dynamicSession();
            return new ClientRecordPack(this, partition, partition, schema(), compression);
        }
        session(partition);
        return new ClientRecordPack(this, partition, null, schema(), compression);
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
    public long renewedSessions() {
        return renewed;
    }

    @Override
    public long expiredSessions() {
        return expired;
    }

    @Override
    public void close() {
        sessions.clear();
        dynamicSession = null;
        lease.close();
    }

    /** Whether the service refused a flush because it does not know the session (any more). */
    static boolean sessionGone(TunnelException e) {
        return e.httpStatus() == 404 && e.hasErrorCode("NoSuchUpload");
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
        private final ClientStreamTunnelConnection connection;
        private final PartitionSpec partition;
        private final PartitionSpec dynamicTarget;
        private final TableSchema schema;
        private final Compression compression;
        private final PackBuffer buffer = new PackBuffer();
        private OutputStream compressed;
        private CountingStream counting;
        private RecordStreamWriter writer;

        ClientRecordPack(
                ClientStreamTunnelConnection connection,
                PartitionSpec partition,
                PartitionSpec dynamicTarget,
                TableSchema schema,
                Compression compression)
                throws IOException {
            this.connection = connection;
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
            if (writer == null) {
                writer = new RecordStreamWriter(schema.columns(), counting);
            } else {
                // keeps the encoder's buffers: a flush allocates no new ones
                writer.restart(counting);
            }
        }

        @Override
        public void append(StagedRecord record) throws IOException {
            record.writeTo(writer, schema.columnCount());
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
            Held held = connection.current(partition);
            return held == null ? null : held.session().id();
        }

        @Override
        public SentPack flush() throws IOException {
            long records = writer.recordCount();
            if (records == 0) {
                return SentPack.NOTHING;
            }
            Held held = connection.sessionForFlush(partition);
            writer.finish();
            compressed.close();
            int bytes = buffer.size();
            FlushResult result;
            try {
                result = send(held.session(), bytes, records);
            } catch (TunnelException e) {
                if (!sessionGone(e)) {
                    throw e;
                }
                // the service refused the pack: it was not written, send it once more
                Held fresh = connection.replaceGone(partition, held, e);
                try {
                    result = send(fresh.session(), bytes, records);
                } catch (TunnelException again) {
                    again.addSuppressed(e);
                    throw again;
                }
            }
            reset();
            return new SentPack(
                    records, bytes, result.retries(), result.backoffMillis(), result.requestId());
        }

        private FlushResult send(StreamUploadSession session, int bytes, long records)
                throws TunnelException {
            return session.flush(
                    dynamicTarget,
                    compression.contentEncoding(),
                    buffer.array(),
                    0,
                    bytes,
                    records);
        }
    }
}
