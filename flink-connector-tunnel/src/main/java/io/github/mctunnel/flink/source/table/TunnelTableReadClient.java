package io.github.mctunnel.flink.source.table;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.codec.RecordStreamReader;
import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.session.DownloadReader;
import io.github.mctunnel.client.session.DownloadSession;
import io.github.mctunnel.client.session.RowDecoder;

import org.apache.flink.annotation.Internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link TableReadClient} over the tunnel client's meta calls and download sessions. Sessions a
 * reader attached to are cached (a few, by id), so consecutive splits of one session cost no extra
 * request.
 */
@Internal
public final class TunnelTableReadClient implements TableReadClient {

    /**
     * Error codes meaning the session cannot be read any more: the partition changed ({@code
     * TableModified}), the session is gone or expired ({@code NoSuchDownload}, {@code
     * DownloadExpired}).
     */
    static final Set<String> INVALIDATION_CODES =
            Set.of("TableModified", "NoSuchDownload", "DownloadExpired");

    private static final int CACHED_SESSIONS = 8;

    private final TunnelClient client;
    private final TableIdentifier table;
    private final Compression compression;
    private final long rowsPerRequest;
    private final ReadMetrics metrics;
    private final Map<String, DownloadSession> sessions =
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, DownloadSession> eldest) {
                    return size() > CACHED_SESSIONS;
                }
            };

    /**
     * @param rowsPerRequest most rows per GET, so each request ends well within the 300 s reader
     *     lifetime
     */
    public TunnelTableReadClient(
            TunnelClient client,
            TableIdentifier table,
            Compression compression,
            long rowsPerRequest,
            ReadMetrics metrics) {
        this.client = client;
        this.table = table;
        this.compression = compression;
        this.rowsPerRequest = rowsPerRequest;
        this.metrics = metrics;
    }

    @Override
    public TableSchema tableSchema() throws IOException {
        return client.getTable(table).schema();
    }

    @Override
    public List<PartitionSpec> listPartitions() throws IOException {
        return client.meta().listPartitions(table);
    }

    @Override
    public long partitionRecordCount(PartitionSpec partition) throws IOException {
        return client.meta().partitionRecordCount(table, partition);
    }

    @Override
    public DownloadSessionInfo createSession(PartitionSpec partition) throws IOException {
        DownloadSession s = client.createDownloadSession(table, partition);
        synchronized (sessions) {
            sessions.put(s.id(), s);
        }
        return new DownloadSessionInfo(s.id(), s.partition(), s.recordCount());
    }

    @Override
    public TableSchema sessionSchema(String sessionId, PartitionSpec partition) throws IOException {
        return session(sessionId, partition).schema();
    }

    private DownloadSession session(String sessionId, PartitionSpec partition) throws IOException {
        synchronized (sessions) {
            DownloadSession cached = sessions.get(sessionId);
            if (cached != null) {
                return cached;
            }
        }
        DownloadSession s;
        try {
            s = client.attachDownloadSession(table, partition, sessionId);
        } catch (TunnelException e) {
            throw translate(e);
        }
        if ("expired".equals(s.status()) || "closed".equals(s.status())) {
            throw new SessionInvalidatedException(
                    "Download session "
                            + sessionId
                            + " of "
                            + table
                            + (partition.isEmpty() ? "" : " partition " + partition)
                            + " is "
                            + s.status(),
                    null);
        }
        synchronized (sessions) {
            sessions.put(sessionId, s);
        }
        return s;
    }

    @Override
    public RowRangeReader openRange(
            String sessionId, PartitionSpec partition, long start, long end, List<String> columns)
            throws IOException {
        DownloadSession s = session(sessionId, partition);
        List<Column> read = s.schema().project(columns).columns();
        RowDecoder.Factory decoders =
                (body, contentEncoding) ->
                        RowDecoder.of(
                                new RecordStreamReader(
                                        read,
                                        Compression.fromContentEncoding(contentEncoding)
                                                .decompress(new CountingInputStream(body, metrics)),
                                        false));
        DownloadReader reader;
        try {
            reader =
                    s.openReader(
                            start,
                            end - start,
                            columns,
                            compression.contentEncoding(),
                            decoders,
                            rowsPerRequest);
        } catch (TunnelException e) {
            throw translate(e);
        }
        return new Range(reader, metrics);
    }

    /** Expiry or invalidation becomes {@link SessionInvalidatedException}, the rest stays. */
    static IOException translate(TunnelException e) {
        if (e.errorCode() != null && INVALIDATION_CODES.contains(e.errorCode())) {
            return new SessionInvalidatedException(e.getMessage(), e);
        }
        return e;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    private static final class Range implements RowRangeReader {
        private final DownloadReader reader;
        private final ReadMetrics metrics;
        private int resumes;

        Range(DownloadReader reader, ReadMetrics metrics) {
            this.reader = reader;
            this.metrics = metrics;
        }

        @Override
        public Object[] read() throws IOException {
            try {
                return reader.read();
            } catch (TunnelException e) {
                throw translate(e);
            } finally {
                countResumes();
            }
        }

        @Override
        public RecordView next() throws IOException {
            try {
                return reader.next();
            } catch (TunnelException e) {
                throw translate(e);
            } finally {
                countResumes();
            }
        }

        private void countResumes() {
            while (resumes < reader.resumes()) {
                resumes++;
                metrics.retried();
            }
        }

        @Override
        public void close() {
            reader.close();
        }
    }

    /** Counts response body bytes as they are read. */
    private static final class CountingInputStream extends FilterInputStream {
        private final ReadMetrics metrics;

        CountingInputStream(InputStream in, ReadMetrics metrics) {
            super(in);
            this.metrics = metrics;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                metrics.bytesRead(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                metrics.bytesRead(n);
            }
            return n;
        }
    }
}
