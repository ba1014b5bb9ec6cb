package io.github.mctunnel.client.session;

import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.endpoint.ResourcePaths;
import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.RequestBody;
import io.github.mctunnel.client.http.TunnelRequest;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A batch upload session (protocol spec 5): data is written in blocks (one HTTP PUT each, block ids
 * in [0, 20000); rewriting a block id replaces the block) and becomes visible at {@link #commit}. A
 * session lives 24 h and may be used from several threads and processes: {@link #attach} re-opens
 * it by id.
 *
 * <p>Block bodies are record streams (see {@code codec.RecordStreamWriter}), optionally compressed
 * as a whole; the session sends bytes and does not encode records itself.
 */
public final class UploadSession {

    /** Valid block ids are {@code 0 <= id < MAX_BLOCK_ID}. */
    public static final long MAX_BLOCK_ID = 20000;

    /** Default {@code MaxFieldSize} (8 MiB) when the service does not send one. */
    public static final long DEFAULT_MAX_FIELD_SIZE = 8L * 1024 * 1024;

    private static final String STATUS_CLOSED = "closed";

    private final TunnelContext tunnel;
    private final TableIdentifier table;
    private final PartitionSpec partition;
    private final String id;
    private volatile State state;

    private record State(String status, TableSchema schema, List<Long> blocks, long maxFieldSize) {}

    private UploadSession(
            TunnelContext tunnel,
            TableIdentifier table,
            PartitionSpec partition,
            String id,
            State state) {
        this.tunnel = tunnel;
        this.table = table;
        this.partition = partition;
        this.id = id;
        this.state = state;
    }

    /**
     * Creates a session: {@code POST <table>?uploads[&partition][&overwrite=true]}.
     *
     * @param partition the target partition (empty for a non-partitioned table)
     * @param overwrite replace the partition's (or table's) data at commit instead of appending
     */
    public static UploadSession create(
            TunnelContext tunnel, TableIdentifier table, PartitionSpec partition, boolean overwrite)
            throws TunnelException {
        PartitionSpec p = partition == null ? PartitionSpec.empty() : partition;
        ErrorContext context = context("create upload session", table, p, null);
        TunnelRequest.Builder b =
                tunnel.request("POST", ResourcePaths.tunnelTable(table), table, p, true, context)
                        .param("uploads", null)
                        .header(TunnelHeaders.DATE_TRANSFORM, TunnelHeaders.DATE_TRANSFORM_VALUE);
        if (overwrite) {
            b.param("overwrite", "true");
        }
        JsonNode json = tunnel.callJson(b.build());
        String id = SessionJson.required(json, "UploadID", context);
        State state = parse(json, context.withSessionId(id));
        SessionJson.checkPartition(p, state.schema(), table, context.withSessionId(id));
        return new UploadSession(tunnel, table, p, id, state);
    }

    /** Re-opens an existing session by id (reloads its state from the service). */
    public static UploadSession attach(
            TunnelContext tunnel, TableIdentifier table, PartitionSpec partition, String id)
            throws TunnelException {
        Objects.requireNonNull(id, "id");
        PartitionSpec p = partition == null ? PartitionSpec.empty() : partition;
        UploadSession session = new UploadSession(tunnel, table, p, id, null);
        session.reload();
        return session;
    }

    private static ErrorContext context(
            String operation, TableIdentifier table, PartitionSpec partition, String id) {
        return ErrorContext.of(operation)
                .withTable(table.toString())
                .withPartition(partition.toString())
                .withSessionId(id);
    }

    private ErrorContext context(String operation) {
        return context(operation, table, partition, id);
    }

    private static State parse(JsonNode json, ErrorContext context) throws TunnelException {
        String status = SessionJson.text(json, "Status");
        TableSchema schema = SessionJson.schema(json.get("Schema"), context);
        List<Long> blocks = new ArrayList<>();
        JsonNode list = json.get("UploadedBlockList");
        if (list != null && list.isArray()) {
            for (JsonNode block : list) {
                blocks.add(block.path("BlockID").asLong());
            }
        }
        JsonNode mfs = json.get("MaxFieldSize");
        long maxFieldSize =
                mfs == null || mfs.asLong(0) <= 0 ? DEFAULT_MAX_FIELD_SIZE : mfs.asLong();
        return new State(
                status == null ? "unknown" : status.toLowerCase(Locale.ROOT),
                schema,
                List.copyOf(blocks),
                maxFieldSize);
    }

    /** Re-reads status and block list: {@code GET <table>?uploadid=<id>&getblockid=true}. */
    public void reload() throws TunnelException {
        ErrorContext context = context("reload upload session");
        TunnelRequest request =
                tunnel.request(
                                "GET",
                                ResourcePaths.tunnelTable(table),
                                table,
                                partition,
                                true,
                                context)
                        .param("uploadid", id)
                        .param("getblockid", "true")
                        .header(TunnelHeaders.DATE_TRANSFORM, TunnelHeaders.DATE_TRANSFORM_VALUE)
                        .build();
        state = parse(tunnel.callJson(request), context);
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

    /** The table's data columns and partition keys as the session reported them. */
    public TableSchema schema() {
        return state.schema();
    }

    /** Status at the last create/reload, lower case (e.g. {@code normal}, {@code closed}). */
    public String status() {
        return state.status();
    }

    /** Largest STRING/JSON value in UTF-8 bytes the service accepts. */
    public long maxFieldSize() {
        return state.maxFieldSize();
    }

    /** The block ids the service holds for this session (reloads first). */
    public List<Long> blockList() throws TunnelException {
        reload();
        return state.blocks();
    }

    /**
     * Writes a block as a streamed (chunked) body: {@code writer} produces the (optionally
     * compressed) record stream while the request is sent, so a block is never held in memory. The
     * request is sent once; on failure the caller rewrites the block (same id) from its own source.
     *
     * @param contentEncoding the {@code Content-Encoding} of the body (e.g. {@code deflate}), or
     *     null for raw
     */
    public void writeBlock(long blockId, String contentEncoding, RequestBody.StreamWriter writer)
            throws TunnelException {
        sendBlock(blockId, contentEncoding, RequestBody.streamed(writer));
    }

    /** Produces the records of a block. */
    @FunctionalInterface
    public interface RecordSource {
        /** Writes the block's records; the session finishes the stream afterwards. */
        void writeTo(RecordStreamWriter writer) throws IOException;
    }

    /**
     * Writes a block whose records {@code source} produces while the body is sent (chunked, never
     * held in memory): a {@link RecordStreamWriter} over the session's data columns and {@code
     * maxFieldSize}, compressed with {@code compression}. Sent once, like {@link #writeBlock(long,
     * String, RequestBody.StreamWriter)}.
     *
     * @return the number of records written
     */
    public long writeRecords(long blockId, Compression compression, RecordSource source)
            throws TunnelException {
        long[] count = new long[1];
        int fieldLimit = (int) Math.min(Integer.MAX_VALUE, maxFieldSize());
        writeBlock(
                blockId,
                compression.contentEncoding(),
                out -> {
                    OutputStream compressed = compression.compress(new KeepOpen(out));
                    RecordStreamWriter writer =
                            new RecordStreamWriter(schema().columns(), compressed, fieldLimit);
                    source.writeTo(writer);
                    writer.finish();
                    compressed.close();
                    count[0] = writer.recordCount();
                });
        return count[0];
    }

    /** Lets a compression stream finish its frame without closing the request body. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /**
     * Writes a block from an already encoded (and compressed) record stream in the caller's buffer.
     * Retried by the client's policy, since the bytes can be re-sent.
     */
    public void writeBlock(
            long blockId, String contentEncoding, byte[] data, int offset, int length)
            throws TunnelException {
        Objects.checkFromIndexSize(offset, length, data.length);
        sendBlock(blockId, contentEncoding, RequestBody.bytes(data, offset, length));
    }

    private void sendBlock(long blockId, String contentEncoding, RequestBody body)
            throws TunnelException {
        ErrorContext context = context("write block").withBlockId(blockId);
        checkBlockId(blockId, context);
        TunnelRequest.Builder b =
                tunnel.request(
                                "PUT",
                                ResourcePaths.tunnelTable(table),
                                table,
                                partition,
                                true,
                                context)
                        .param("uploadid", id)
                        .param("blockid", Long.toString(blockId))
                        .header(TunnelHeaders.CONTENT_TYPE, TunnelHeaders.OCTET_STREAM)
                        .body(body);
        if (contentEncoding != null && !contentEncoding.isEmpty()) {
            b.header(TunnelHeaders.CONTENT_ENCODING, contentEncoding);
        }
        tunnel.caller().call(b.build(), response -> null);
    }

    static void checkBlockId(long blockId, ErrorContext context) throws TunnelException {
        if (blockId < 0 || blockId >= MAX_BLOCK_ID) {
            throw TunnelException.local(
                    context,
                    "block id "
                            + blockId
                            + " is out of range: block ids must be in [0, "
                            + MAX_BLOCK_ID
                            + ")");
        }
    }

    /**
     * Commits the session with the expected block ids. First reloads: if the session is already
     * committed (status {@code closed}), returns {@link CommitOutcome#ALREADY_COMMITTED}; otherwise
     * the service's block set must equal {@code blocks} (else a local error, nothing is committed).
     * A commit answered with {@code StatusConflict} (HTTP 409) after which the session shows as
     * committed (e.g. a retried commit whose first attempt succeeded) is also {@code
     * ALREADY_COMMITTED}.
     */
    public CommitOutcome commit(Collection<Long> blocks) throws TunnelException {
        reload();
        if (isCommitted()) {
            return CommitOutcome.ALREADY_COMMITTED;
        }
        ErrorContext context = context("commit upload session");
        TreeSet<Long> expected = new TreeSet<>(blocks);
        TreeSet<Long> onServer = new TreeSet<>(state.blocks());
        if (!expected.equals(onServer)) {
            TreeSet<Long> missing = new TreeSet<>(expected);
            missing.removeAll(onServer);
            TreeSet<Long> unexpected = new TreeSet<>(onServer);
            unexpected.removeAll(expected);
            throw TunnelException.local(
                    context,
                    "blocks do not match: expected but not on the server "
                            + missing
                            + ", on the server but not expected "
                            + unexpected);
        }
        TunnelRequest request =
                tunnel.request(
                                "POST",
                                ResourcePaths.tunnelTable(table),
                                table,
                                partition,
                                true,
                                context)
                        .param("uploadid", id)
                        .header(TunnelHeaders.DATE_TRANSFORM, TunnelHeaders.DATE_TRANSFORM_VALUE)
                        .build();
        try {
            JsonNode json = tunnel.callJson(request);
            state = parse(json, context);
            return CommitOutcome.COMMITTED;
        } catch (TunnelException e) {
            if (e.httpStatus() == 409 || e.hasErrorCode("StatusConflict")) {
                reload();
                if (isCommitted()) {
                    return CommitOutcome.ALREADY_COMMITTED;
                }
            }
            throw e;
        }
    }

    private boolean isCommitted() {
        return STATUS_CLOSED.equals(state.status());
    }

    @Override
    public String toString() {
        return "UploadSession{"
                + table
                + (partition.isEmpty() ? "" : "/" + partition)
                + ", id="
                + id
                + "}";
    }
}
