package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.emulator.catalog.CommittedRows;
import io.github.mctunnel.emulator.catalog.TableState;
import io.github.mctunnel.emulator.limits.BandwidthThrottle;
import io.github.mctunnel.emulator.server.EmulatorRequest;
import io.github.mctunnel.emulator.server.EmulatorResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch download: create (a snapshot of the partition), reload, data GET with row range, column
 * projection and compression.
 */
final class BatchDownloads {

    static final String NO_SUCH = "NoSuchDownload";
    static final String KIND = "download session";

    /** How often (in rows) a download checks the reader lifetime. */
    private static final int LIFETIME_CHECK_ROWS = 1024;

    private final TunnelContext ctx;

    BatchDownloads(TunnelContext ctx) {
        this.ctx = ctx;
    }

    void create(EmulatorRequest req, EmulatorResponse resp, TableState table) {
        if (TunnelContext.flag(req, "arrow")) {
            throw TunnelErrors.notImplemented("The emulator does not serve Arrow downloads");
        }
        PartitionSpec p = ctx.partition(req, table, true);
        if (!p.isEmpty() && !table.hasPartition(p)) {
            throw TunnelErrors.noSuchPartition(table.id().toString(), p);
        }
        TableTraffic traffic = ctx.traffic(table);
        traffic.acquireDownloadSession();
        long version = table.modificationVersion(p);
        CommittedRows rows = table.rows(p);
        Instant now = ctx.now();
        BatchDownloadSession session =
                new BatchDownloadSession(
                        ctx.newSessionId(now), table, p, rows, version, now, ctx.expiry(now));
        ctx.sessions.put(session.id(), session);
        traffic.downloadSessionsCreated.incrementAndGet();
        resp.json(json(session));
    }

    void reload(EmulatorRequest req, EmulatorResponse resp, TableState table) {
        resp.json(json(session(req, table)));
    }

    void read(EmulatorRequest req, EmulatorResponse resp, TableState table) throws IOException {
        Instant started = ctx.now();
        BatchDownloadSession session = session(req, table);
        if (req.hasParam("arrow")) {
            throw TunnelErrors.notImplemented("The emulator does not serve Arrow downloads");
        }
        if (!TunnelContext.flag(req, "disable_modified_check")
                && table.modificationVersion(session.partition())
                        != session.modificationVersion()) {
            throw TunnelErrors.tableModified(table.id().toString(), session.partition());
        }
        CommittedRows rows = session.rows();
        RowRange range = RowRange.parse(req.param("rowrange"), rows.rowCount());
        TableSchema schema = table.schema();
        int[] projection = projection(req.param("columns"), schema);
        List<Column> columns = new ArrayList<>(projection.length);
        for (int i : projection) {
            columns.add(schema.column(i));
        }
        String encoding = RecordBodies.responseEncoding(req);
        Compression compression = Compression.fromContentEncoding(encoding);
        Instant deadline = started.plus(ctx.limits.readerLifetime());
        // Rows are decoded, encoded and compressed while the body is sent, so a download holds
        // one chunk of rows and the codec buffers however many rows it covers; the lifetime
        // counts from the request's arrival to the last byte sent.
        resp.stream(
                encoding,
                target -> {
                    OutputStream sink = target;
                    if (ctx.limits.bandwidthCapped()) {
                        sink =
                                new BandwidthThrottle(ctx.limits.bandwidthBytesPerSecond())
                                        .wrap(sink);
                    }
                    try (OutputStream out = compression.compress(sink)) {
                        writeRows(rows, range, projection, columns, deadline, out);
                    }
                });
    }

    private void writeRows(
            CommittedRows rows,
            RowRange range,
            int[] projection,
            List<Column> columns,
            Instant deadline,
            OutputStream out)
            throws IOException {
        RecordStreamWriter writer = new RecordStreamWriter(columns, out);
        Object[] projected = new Object[projection.length];
        Iterator<Object[]> it = rows.iterator(range.start());
        for (long i = 0; i < range.count(); i++) {
            Object[] row = it.next();
            for (int c = 0; c < projection.length; c++) {
                projected[c] = row[projection[c]];
            }
            writer.write(projected);
            if (i % LIFETIME_CHECK_ROWS == LIFETIME_CHECK_ROWS - 1
                    && !ctx.now().isBefore(deadline)) {
                throw TunnelErrors.requestTimeout(
                        "The download request exceeded the reader lifetime of "
                                + ctx.limits.readerLifetime().toSeconds()
                                + " s; read the rest with a new request from row "
                                + (range.start() + i + 1));
            }
        }
        writer.finish();
    }

    private static int[] projection(String columnsParam, TableSchema schema) {
        if (columnsParam == null) {
            int[] all = new int[schema.columnCount()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        String[] names = columnsParam.split(",");
        int[] indexes = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            String name = names[i].trim();
            int idx = name.isEmpty() ? -1 : schema.indexOf(name);
            if (idx < 0) {
                throw TunnelErrors.invalidColumnSpec(
                        "The specified column '"
                                + name
                                + "' is not a data column; columns are "
                                + schema.columnNames());
            }
            indexes[i] = idx;
        }
        return indexes;
    }

    private BatchDownloadSession session(EmulatorRequest req, TableState table) {
        return ctx.session(
                BatchDownloadSession.class, req.param("downloadid"), table, NO_SUCH, KIND);
    }

    private Map<String, Object> json(BatchDownloadSession s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("DownloadID", s.id());
        json.put("Status", "normal");
        json.put("RecordCount", s.rows().rowCount());
        json.put("Schema", SchemaJson.of(s.table().schema()));
        json.put("QuotaName", "");
        json.put("SupportReadByRawSize", false);
        json.put("Initiated", BatchUploads.HTTP_DATE.format(s.created()));
        json.put("Owner", BatchUploads.OWNER);
        return json;
    }
}
