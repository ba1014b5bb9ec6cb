package io.github.mctunnel.client.session;

import io.github.mctunnel.client.codec.RecordStreamReader;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.endpoint.ResourcePaths;
import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.TunnelRequest;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A batch download session (protocol spec 6): a snapshot of a table or partition with a fixed
 * {@link #recordCount()}; any row range can be read, with column projection, by any number of
 * readers, for 24 h. {@link #attach} re-opens it by id.
 */
public final class DownloadSession {

    /** Default rows per GET, so that each request finishes well within the 300 s reader life. */
    public static final long DEFAULT_ROWS_PER_REQUEST = 500_000;

    /** Consecutive failed resumes (no row read in between) before a read fails. */
    public static final int MAX_RESUMES = 5;

    private final TunnelContext tunnel;
    private final TableIdentifier table;
    private final PartitionSpec partition;
    private final String id;
    private final String status;
    private final long recordCount;
    private final TableSchema schema;

    private DownloadSession(
            TunnelContext tunnel,
            TableIdentifier table,
            PartitionSpec partition,
            JsonNode json,
            ErrorContext context)
            throws TunnelException {
        this.tunnel = tunnel;
        this.table = table;
        this.partition = partition;
        this.id = SessionJson.required(json, "DownloadID", context);
        String s = SessionJson.text(json, "Status");
        this.status = s == null ? "unknown" : s.toLowerCase(Locale.ROOT);
        JsonNode count = json.get("RecordCount");
        if (count == null || !count.canConvertToLong() && !count.isTextual()) {
            throw TunnelException.local(context, "the session response has no 'RecordCount'");
        }
        this.recordCount = count.asLong(-1);
        if (recordCount < 0) {
            throw TunnelException.local(context, "invalid RecordCount " + count.asText());
        }
        this.schema = SessionJson.schema(json.get("Schema"), context);
        SessionJson.checkPartition(partition, schema, table, context.withSessionId(id));
    }

    /** Creates a session: {@code POST <table>?downloads[&partition]}. */
    public static DownloadSession create(
            TunnelContext tunnel, TableIdentifier table, PartitionSpec partition)
            throws TunnelException {
        PartitionSpec p = partition == null ? PartitionSpec.empty() : partition;
        ErrorContext context =
                ErrorContext.of("create download session")
                        .withTable(table.toString())
                        .withPartition(p.toString());
        TunnelRequest request =
                tunnel.request("POST", ResourcePaths.tunnelTable(table), table, p, true, context)
                        .param("downloads", null)
                        .header(TunnelHeaders.DATE_TRANSFORM, TunnelHeaders.DATE_TRANSFORM_VALUE)
                        .build();
        return new DownloadSession(tunnel, table, p, tunnel.callJson(request), context);
    }

    /** Re-opens an existing session: {@code GET <table>?downloadid=<id>[&partition]}. */
    public static DownloadSession attach(
            TunnelContext tunnel, TableIdentifier table, PartitionSpec partition, String id)
            throws TunnelException {
        Objects.requireNonNull(id, "id");
        PartitionSpec p = partition == null ? PartitionSpec.empty() : partition;
        ErrorContext context =
                ErrorContext.of("reload download session")
                        .withTable(table.toString())
                        .withPartition(p.toString())
                        .withSessionId(id);
        TunnelRequest request =
                tunnel.request("GET", ResourcePaths.tunnelTable(table), table, p, false, context)
                        .param("downloadid", id)
                        .header(TunnelHeaders.DATE_TRANSFORM, TunnelHeaders.DATE_TRANSFORM_VALUE)
                        .build();
        return new DownloadSession(tunnel, table, p, tunnel.callJson(request), context);
    }

    public String id() {
        return id;
    }

    public TableIdentifier table() {
        return table;
    }

    public PartitionSpec partition() {
        return partition;
    }

    /** Status lower case, e.g. {@code normal}. */
    public String status() {
        return status;
    }

    /** Number of rows in the session's snapshot. */
    public long recordCount() {
        return recordCount;
    }

    /** The table's data columns and partition keys. */
    public TableSchema schema() {
        return schema;
    }

    /**
     * Opens a reader of rows {@code [start, start + count)}.
     *
     * @param columns projected column names in the order the rows should have, or null/empty for
     *     all columns in table order
     * @param acceptEncoding compression to ask for ({@code Accept-Encoding}, e.g. {@code deflate}),
     *     or null for raw; the service may answer raw anyway
     * @param decoders turns a response body into rows (given the response's content encoding)
     * @param rowsPerRequest most rows fetched by one GET; the reader issues consecutive GETs
     * @throws TunnelException (local error) for an invalid range or an unknown column
     */
    public DownloadReader openReader(
            long start,
            long count,
            List<String> columns,
            String acceptEncoding,
            RowDecoder.Factory decoders,
            long rowsPerRequest)
            throws TunnelException {
        ErrorContext context =
                ErrorContext.of("read rows [" + start + ", " + (start + count) + ")")
                        .withTable(table.toString())
                        .withPartition(partition.toString())
                        .withSessionId(id);
        if (start < 0 || count < 0 || start > recordCount - count) {
            throw TunnelException.local(
                    context,
                    "row range (start "
                            + start
                            + ", count "
                            + count
                            + ") is outside the session's "
                            + recordCount
                            + " rows");
        }
        if (rowsPerRequest < 1) {
            throw new IllegalArgumentException("rowsPerRequest must be >= 1");
        }
        String projection = null;
        if (columns != null && !columns.isEmpty()) {
            Set<String> seen = new HashSet<>();
            for (String c : columns) {
                if (schema.indexOf(c) < 0) {
                    throw TunnelException.local(
                            context,
                            "column '"
                                    + c
                                    + "' does not exist; the table has "
                                    + schema.columnNames());
                }
                if (!seen.add(c.toLowerCase(Locale.ROOT))) {
                    throw TunnelException.local(context, "column '" + c + "' is projected twice");
                }
            }
            projection = String.join(",", columns);
        }
        return new DownloadReader(
                this, start, count, projection, acceptEncoding, decoders, rowsPerRequest, context);
    }

    /**
     * Like {@link #openReader(long, long, List, String, RowDecoder.Factory, long)} with the default
     * rows per request.
     */
    public DownloadReader openReader(
            long start,
            long count,
            List<String> columns,
            String acceptEncoding,
            RowDecoder.Factory decoders)
            throws TunnelException {
        return openReader(
                start, count, columns, acceptEncoding, decoders, DEFAULT_ROWS_PER_REQUEST);
    }

    /**
     * Opens a reader that decodes rows with the record codec: values in the projected order ({@code
     * columns}, or all columns when null/empty), asking for {@code compression} and decoding
     * whatever encoding the service answers with.
     *
     * @param stringsAsBytes return STRING values as {@code byte[]} instead of {@code String}
     */
    public DownloadReader openReader(
            long start,
            long count,
            List<String> columns,
            Compression compression,
            boolean stringsAsBytes,
            long rowsPerRequest)
            throws TunnelException {
        List<Column> layout = new ArrayList<>();
        if (columns == null || columns.isEmpty()) {
            layout.addAll(schema.columns());
        } else {
            for (String c : columns) {
                int idx = schema.indexOf(c);
                if (idx >= 0) {
                    layout.add(schema.column(idx));
                }
            }
        }
        ErrorContext context =
                ErrorContext.of("decode rows").withTable(table.toString()).withSessionId(id);
        List<Column> decodeColumns = List.copyOf(layout);
        RowDecoder.Factory factory =
                (in, encoding) -> {
                    Compression answered;
                    try {
                        answered = Compression.fromContentEncoding(encoding);
                    } catch (IllegalArgumentException e) {
                        throw TunnelException.local(context, e.getMessage());
                    }
                    RecordStreamReader reader =
                            new RecordStreamReader(
                                    decodeColumns, answered.decompress(in), stringsAsBytes);
                    return RowDecoder.of(reader);
                };
        return openReader(
                start,
                count,
                columns,
                compression == null ? null : compression.contentEncoding(),
                factory,
                rowsPerRequest);
    }

    /** The GET of one piece: {@code ?data&downloadid&rowrange=(s,c)[&columns][&partition]}. */
    TunnelRequest dataRequest(
            long start, long count, String projection, String acceptEncoding, ErrorContext context)
            throws TunnelException {
        TunnelRequest.Builder b =
                tunnel.request(
                                "GET",
                                ResourcePaths.tunnelTable(table),
                                table,
                                partition,
                                true,
                                context)
                        .param("data", null)
                        .param("downloadid", id)
                        .param("rowrange", "(" + start + "," + count + ")");
        if (projection != null) {
            b.param("columns", projection);
        }
        if (acceptEncoding != null && !acceptEncoding.isEmpty()) {
            b.header(TunnelHeaders.ACCEPT_ENCODING, acceptEncoding);
        }
        return b.build();
    }

    TunnelContext tunnel() {
        return tunnel;
    }

    @Override
    public String toString() {
        return "DownloadSession{"
                + table
                + (partition.isEmpty() ? "" : "/" + partition)
                + ", id="
                + id
                + ", rows="
                + recordCount
                + "}";
    }
}
