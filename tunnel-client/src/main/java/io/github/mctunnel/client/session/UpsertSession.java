package io.github.mctunnel.client.session;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.endpoint.ResourcePaths;
import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.RequestBody;
import io.github.mctunnel.client.http.TunnelRequest;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.upsert.BucketHasher;
import io.github.mctunnel.client.upsert.HasherKind;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An upsert session on a Delta (transactional, primary-key) table (protocol spec 8). Rows are
 * routed by bucket ({@code BucketHasher}) to the bucket's slot and flushed per bucket as record
 * streams in the {@link UpsertRecordLayout}; {@link #commit()} makes them visible. Thread-safe.
 */
public final class UpsertSession {

    /** How long {@link #commit()} keeps asking until the service reports {@code committed}. */
    public static final long COMMIT_TIMEOUT_MILLIS = 120_000;

    /** Attempts of a flush that the service answers with 308 (slot moved). */
    private static final int MAX_REDIRECTS = 10;

    private final TunnelContext tunnel;
    private final TableIdentifier table;
    private final PartitionSpec partition;
    private final String id;
    private volatile State state;

    /** A slot: id, the buckets it owns, and its worker {@code host:port}. */
    public record Slot(String id, int[] buckets, String workerAddress) {}

    private record State(
            String status,
            TableSchema schema,
            List<String> hashKeys,
            String hasher,
            List<Slot> slots,
            Slot[] slotOfBucket,
            boolean partialUpdate) {}

    private UpsertSession(
            TunnelContext tunnel, TableIdentifier table, PartitionSpec partition, String id) {
        this.tunnel = tunnel;
        this.table = table;
        this.partition = partition;
        this.id = id;
    }

    /**
     * Creates a session: {@code POST <table>/upserts?slotnum=<n>[&partition]}.
     *
     * @param slotNum slots to ask for (at least 1)
     */
    public static UpsertSession create(
            TunnelContext tunnel, TableIdentifier table, PartitionSpec partition, int slotNum)
            throws TunnelException {
        PartitionSpec p = partition == null ? PartitionSpec.empty() : partition;
        ErrorContext context =
                ErrorContext.of("create upsert session")
                        .withTable(table.toString())
                        .withPartition(p.toString());
        TunnelRequest request =
                tunnel.request("POST", ResourcePaths.tunnelUpserts(table), table, p, true, context)
                        .param("slotnum", Integer.toString(Math.max(1, slotNum)))
                        .header(TunnelHeaders.DATE_TRANSFORM, TunnelHeaders.DATE_TRANSFORM_VALUE)
                        .header(TunnelHeaders.SCHEMA_EVOLUTION, "true")
                        .build();
        JsonNode json = tunnel.callJson(request);
        UpsertSession session =
                new UpsertSession(tunnel, table, p, SessionJson.required(json, "id", context));
        session.state = parse(json, context.withSessionId(session.id));
        return session;
    }

    /** Re-opens an existing session by id. */
    public static UpsertSession attach(
            TunnelContext tunnel, TableIdentifier table, PartitionSpec partition, String id)
            throws TunnelException {
        UpsertSession session =
                new UpsertSession(
                        tunnel,
                        table,
                        partition == null ? PartitionSpec.empty() : partition,
                        Objects.requireNonNull(id, "id"));
        session.reload();
        return session;
    }

    private ErrorContext context(String operation) {
        return ErrorContext.of(operation)
                .withTable(table.toString())
                .withPartition(partition.toString())
                .withSessionId(id);
    }

    static State parse(JsonNode json, ErrorContext context) throws TunnelException {
        for (String field : List.of("id", "schema", "hash_key", "hasher", "slots", "status")) {
            if (json.get(field) == null || json.get(field).isNull()) {
                throw TunnelException.local(
                        context, "the upsert session response has no '" + field + "'");
            }
        }
        TableSchema schema = SessionJson.schema(json.get("schema"), context);
        List<String> keys = new ArrayList<>();
        for (JsonNode k : json.get("hash_key")) {
            keys.add(k.asText());
        }
        List<Slot> slots = new ArrayList<>();
        int maxBucket = -1;
        for (JsonNode s : json.get("slots")) {
            JsonNode b = s.path("buckets");
            int[] buckets = new int[b.size()];
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = b.get(i).asInt();
                maxBucket = Math.max(maxBucket, buckets[i]);
            }
            String addr = s.path("worker_addr").asText();
            if (addr.split(":").length != 2) {
                throw TunnelException.local(
                        context, "invalid worker_addr '" + addr + "' in upsert session");
            }
            slots.add(new Slot(s.path("slot_id").asText(), buckets, addr));
        }
        Slot[] slotOfBucket = new Slot[maxBucket + 1];
        for (Slot s : slots) {
            for (int b : s.buckets()) {
                if (b < 0 || slotOfBucket[b] != null) {
                    throw TunnelException.local(
                            context, "bucket " + b + " is invalid or owned twice");
                }
                slotOfBucket[b] = s;
            }
        }
        if (slotOfBucket.length == 0 || Arrays.asList(slotOfBucket).contains(null)) {
            throw TunnelException.local(
                    context, "the upsert session's buckets are not exactly 0.." + maxBucket);
        }
        return new State(
                json.get("status").asText().toLowerCase(Locale.ROOT),
                schema,
                List.copyOf(keys),
                json.get("hasher").asText(),
                List.copyOf(slots),
                slotOfBucket,
                json.path("enable_partial_update").asBoolean(false));
    }

    /** Re-reads the session: {@code GET <table>/upserts?upsertid=<id>}. */
    public void reload() throws TunnelException {
        ErrorContext context = context("reload upsert session");
        TunnelRequest request =
                tunnel.request(
                                "GET",
                                ResourcePaths.tunnelUpserts(table),
                                table,
                                partition,
                                true,
                                context)
                        .param("upsertid", id)
                        .header(TunnelHeaders.DATE_TRANSFORM, TunnelHeaders.DATE_TRANSFORM_VALUE)
                        .header(TunnelHeaders.SCHEMA_EVOLUTION, "true")
                        .build();
        state = parse(tunnel.callJson(request), context);
    }

    public String id() {
        return id;
    }

    public TableSchema schema() {
        return state.schema();
    }

    /** Status lower case: normal, committing, committed, expired, critical, aborted. */
    public String status() {
        return state.status();
    }

    /** The primary-key column names ({@code hash_key}) in hash order. */
    public List<String> hashKeys() {
        return state.hashKeys();
    }

    /** The hash family: {@code default} or {@code legacy}. */
    public String hasher() {
        return state.hasher();
    }

    /** Number of buckets: bucket ids are {@code 0 .. bucketCount()-1}. */
    public int bucketCount() {
        return state.slotOfBucket().length;
    }

    public List<Slot> slots() {
        return state.slots();
    }

    /**
     * Whether the table takes partial-column updates ({@code enable_partial_update}, the table
     * property {@code acid.partial.fields.update.enable}).
     */
    public boolean partialUpdateEnabled() {
        return state.partialUpdate();
    }

    /**
     * The {@code __value_cols} of a partial update of {@code columns}: see {@link
     * UpsertRecordLayout#valueColumnIds}.
     *
     * @throws TunnelException when the table does not take partial updates, or a column is unknown
     */
    public List<Long> partialUpdateColumnIds(List<String> columns) throws TunnelException {
        ErrorContext context = context("partial update");
        if (!partialUpdateEnabled()) {
            throw TunnelException.local(
                    context,
                    "table "
                            + table
                            + " does not take partial-column updates; set its table property"
                            + " 'acid.partial.fields.update.enable'='true'");
        }
        try {
            return recordLayout().valueColumnIds(columns);
        } catch (IllegalArgumentException e) {
            throw TunnelException.local(context, e.getMessage());
        }
    }

    /** The record layout of this session's packs. */
    public UpsertRecordLayout recordLayout() {
        return new UpsertRecordLayout(state.schema(), state.hashKeys());
    }

    /**
     * The bucket hasher of this session (its {@code hasher}, key columns and bucket count): {@code
     * bucketHasher().bucket(keyValues)} with the key values in {@link #hashKeys()} order.
     */
    public BucketHasher bucketHasher() {
        List<Column> keys = new ArrayList<>();
        for (String k : state.hashKeys()) {
            int idx = state.schema().indexOf(k);
            if (idx < 0) {
                throw new IllegalStateException(
                        "hash key " + k + " is not a column of the session");
            }
            keys.add(state.schema().column(idx));
        }
        return BucketHasher.forKeyColumns(
                HasherKind.fromServiceName(state.hasher()), keys, bucketCount());
    }

    /** A reusable pack in this session's upsert record layout. */
    public RecordPack newPack(Compression compression, int maxFieldSize) throws IOException {
        return new RecordPack(recordLayout().columns(), compression, maxFieldSize);
    }

    /** Finishes {@code pack}, flushes it to {@code bucket}, and resets it for reuse. */
    public void flush(int bucket, RecordPack pack) throws IOException {
        pack.finish();
        flush(
                bucket,
                pack.compression().contentEncoding(),
                pack.buffer(),
                0,
                pack.length(),
                pack.recordCount());
        pack.reset();
    }

    /**
     * Flushes one bucket's pack (an encoded, optionally compressed record stream in the upsert
     * layout, in the caller's buffer) to the bucket's slot: {@code PUT
     * <table>/upserts?upsertid&bucketid&slotid&record_count}. A 308 or 502/504 reloads the session
     * and re-sends; other failures follow the client's retry policy.
     */
    public void flush(
            int bucket,
            String contentEncoding,
            byte[] data,
            int offset,
            int length,
            long recordCount)
            throws TunnelException {
        Objects.checkFromIndexSize(offset, length, data.length);
        ErrorContext context = context("flush upsert bucket " + bucket);
        if (bucket < 0 || bucket >= bucketCount()) {
            throw TunnelException.local(
                    context, "bucket " + bucket + " is out of range [0, " + bucketCount() + ")");
        }
        for (int attempt = 1; ; attempt++) {
            try {
                tunnel.caller()
                        .run(
                                tunnel.tunnelEndpoint() + "|" + table,
                                context,
                                true,
                                () -> {
                                    try {
                                        flushOnce(
                                                bucket,
                                                contentEncoding,
                                                data,
                                                offset,
                                                length,
                                                recordCount,
                                                context);
                                        return null;
                                    } catch (TunnelException e) {
                                        if (e.httpStatus() == 502 || e.httpStatus() == 504) {
                                            reload();
                                        }
                                        throw e;
                                    }
                                });
                return;
            } catch (TunnelException e) {
                if (e.httpStatus() != 308 || attempt >= MAX_REDIRECTS) {
                    throw e;
                }
                reload();
            }
        }
    }

    private void flushOnce(
            int bucket,
            String contentEncoding,
            byte[] data,
            int offset,
            int length,
            long recordCount,
            ErrorContext context)
            throws TunnelException {
        Slot slot = state.slotOfBucket()[bucket];
        TunnelRequest.Builder b =
                tunnel.request(
                                "PUT",
                                ResourcePaths.tunnelUpserts(table),
                                table,
                                partition,
                                true,
                                context)
                        .param("upsertid", id)
                        .param("bucketid", Integer.toString(bucket))
                        .param("slotid", slot.id())
                        .param("record_count", Long.toString(recordCount))
                        .header(TunnelHeaders.DATE_TRANSFORM, TunnelHeaders.DATE_TRANSFORM_VALUE)
                        .header(TunnelHeaders.SCHEMA_EVOLUTION, "true")
                        .header(TunnelHeaders.ROUTED_SERVER, slot.workerAddress())
                        .body(RequestBody.bytes(data, offset, length));
        if (contentEncoding != null && !contentEncoding.isEmpty()) {
            b.header(TunnelHeaders.CONTENT_ENCODING, contentEncoding);
        }
        try {
            tunnel.caller().transport().open(b.build()).close();
        } catch (TunnelException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw TunnelException.io(context, e);
        }
    }

    /**
     * Commits: {@code POST <table>/upserts?upsertid=<id>}, repeated (waiting 1, 2, 4, 8, 16, 16...
     * s) while the service reports {@code normal} or {@code committing}, until {@code committed}.
     * An {@code UpsertSessionNotFound} during the loop means the session was committed.
     *
     * @throws TunnelException when the session ends in another status or after {@link
     *     #COMMIT_TIMEOUT_MILLIS}
     */
    public void commit() throws TunnelException {
        ErrorContext context = context("commit upsert session");
        long start = tunnel.caller().clock().millis();
        long wait = 1000;
        boolean first = true;
        while (true) {
            try {
                state = parse(tunnel.callJson(finishRequest("POST", context)), context);
            } catch (TunnelException e) {
                if (!first && e.hasErrorCode("UpsertSessionNotFound")) {
                    return;
                }
                throw e;
            }
            first = false;
            String status = state.status();
            if ("committed".equals(status)) {
                return;
            }
            if (!"normal".equals(status) && !"committing".equals(status)) {
                throw TunnelException.local(
                        context, "the upsert session ended in status '" + status + "'");
            }
            if (tunnel.caller().clock().millis() - start + wait > COMMIT_TIMEOUT_MILLIS) {
                throw TunnelException.local(
                        context,
                        "the upsert session is still '"
                                + status
                                + "' after "
                                + COMMIT_TIMEOUT_MILLIS
                                + " ms");
            }
            try {
                tunnel.caller().sleeper().sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw TunnelException.io(context, new InterruptedIOException("commit interrupted"));
            }
            wait = Math.min(wait * 2, 16_000);
        }
    }

    /** Aborts the session: {@code DELETE <table>/upserts?upsertid=<id>}. */
    public void abort() throws TunnelException {
        ErrorContext context = context("abort upsert session");
        state = parse(tunnel.callJson(finishRequest("DELETE", context)), context);
    }

    private TunnelRequest finishRequest(String method, ErrorContext context)
            throws TunnelException {
        return tunnel.request(
                        method, ResourcePaths.tunnelUpserts(table), table, partition, true, context)
                .param("upsertid", id)
                .header(TunnelHeaders.DATE_TRANSFORM, TunnelHeaders.DATE_TRANSFORM_VALUE)
                .header(TunnelHeaders.SCHEMA_EVOLUTION, "true")
                .header(TunnelHeaders.ROUTED_SERVER, state.slotOfBucket()[0].workerAddress())
                .build();
    }

    @Override
    public String toString() {
        return "UpsertSession{"
                + table
                + (partition.isEmpty() ? "" : "/" + partition)
                + ", id="
                + id
                + "}";
    }
}
