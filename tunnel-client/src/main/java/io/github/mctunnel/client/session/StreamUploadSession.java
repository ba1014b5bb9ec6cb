package io.github.mctunnel.client.session;

import io.github.mctunnel.client.endpoint.ResourcePaths;
import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.RequestBody;
import io.github.mctunnel.client.http.RetryTally;
import io.github.mctunnel.client.http.TunnelRequest;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stream upload session (protocol spec 7): record packs are flushed to the service's slots
 * (round-robin) and committed by the service per flush; there is no commit call. The session
 * follows the service's routing: a changed {@code odps-tunnel-routed-server} re-points the slot, a
 * changed slot count or a 502/504 reloads the session. Thread-safe.
 */
public final class StreamUploadSession {

    private final TunnelContext tunnel;
    private final TableIdentifier table;
    private final PartitionSpec partition;
    private final boolean dynamicPartition;
    private final String id;
    private final TableSchema schema;
    private final String schemaVersion;
    private final AtomicInteger nextSlot = new AtomicInteger();
    private volatile List<Slot> slots;

    /** A slot: id and {@code host:port} of its server. */
    public record Slot(String id, String server) {}

    private StreamUploadSession(
            TunnelContext tunnel,
            TableIdentifier table,
            PartitionSpec partition,
            boolean dynamicPartition,
            JsonNode json,
            ErrorContext context)
            throws TunnelException {
        this.tunnel = tunnel;
        this.table = table;
        this.partition = partition;
        this.dynamicPartition = dynamicPartition;
        this.id = SessionJson.required(json, "session_name", context);
        this.schema = SessionJson.schema(json.get("schema"), context);
        String v = SessionJson.text(json, "schema_version");
        this.schemaVersion = v == null ? "0" : v;
        this.slots = parseSlots(json, context.withSessionId(id));
    }

    /**
     * Creates a session: {@code POST
     * <table>/streams[?partition][&create_partition][&dynamic_partition=true]}.
     *
     * @param partition target partition, or empty (non-partitioned table, or dynamic partitions)
     * @param createPartition create the partition if it does not exist
     * @param dynamicPartition each flush names its own partition ({@link #flush(PartitionSpec,
     *     String, byte[], int, int, long)})
     * @param slotNum slots to ask for ({@code odps-tunnel-slot-num}), 0 for the service default
     */
    public static StreamUploadSession create(
            TunnelContext tunnel,
            TableIdentifier table,
            PartitionSpec partition,
            boolean createPartition,
            boolean dynamicPartition,
            int slotNum)
            throws TunnelException {
        PartitionSpec p = partition == null ? PartitionSpec.empty() : partition;
        ErrorContext context =
                ErrorContext.of("create stream upload session")
                        .withTable(table.toString())
                        .withPartition(p.toString());
        TunnelRequest.Builder b =
                tunnel.request("POST", ResourcePaths.tunnelStreams(table), table, p, true, context)
                        .header(TunnelHeaders.DATE_TRANSFORM, TunnelHeaders.DATE_TRANSFORM_VALUE)
                        .header(TunnelHeaders.SCHEMA_EVOLUTION, "true");
        if (createPartition) {
            b.param("create_partition", null);
        }
        if (dynamicPartition) {
            b.param("dynamic_partition", "true");
        }
        if (slotNum > 0) {
            b.header(TunnelHeaders.SLOT_NUM, Integer.toString(slotNum));
        }
        return new StreamUploadSession(
                tunnel, table, p, dynamicPartition, tunnel.callJson(b.build()), context);
    }

    private static List<Slot> parseSlots(JsonNode json, ErrorContext context)
            throws TunnelException {
        String status = SessionJson.text(json, "status");
        if (status != null && "init".equals(status.toLowerCase(Locale.ROOT))) {
            throw TunnelException.local(context, "the stream session is still initiating");
        }
        JsonNode array = json.get("slots");
        List<Slot> slots = new ArrayList<>();
        if (array != null && array.isArray()) {
            for (JsonNode s : array) {
                if (!s.isArray() || s.size() != 2 || s.get(1).asText().split(":").length != 2) {
                    throw TunnelException.local(
                            context, "invalid slot " + s + " in stream session");
                }
                slots.add(new Slot(s.get(0).asText(), s.get(1).asText()));
            }
        }
        if (slots.isEmpty()) {
            throw TunnelException.local(context, "the stream session has no slots");
        }
        return List.copyOf(slots);
    }

    public String id() {
        return id;
    }

    public TableSchema schema() {
        return schema;
    }

    public String schemaVersion() {
        return schemaVersion;
    }

    /** The slots as last reported by the service (and re-pointed by routing answers). */
    public List<Slot> slots() {
        return slots;
    }

    /** Re-reads the slots: {@code GET <table>/streams?uploadid=<id>&schema_version=<v>}. */
    public void reload() throws TunnelException {
        ErrorContext context =
                ErrorContext.of("reload stream upload session")
                        .withTable(table.toString())
                        .withPartition(partition.toString())
                        .withSessionId(id);
        TunnelRequest request =
                tunnel.request(
                                "GET",
                                ResourcePaths.tunnelStreams(table),
                                table,
                                partition,
                                true,
                                context)
                        .param("uploadid", id)
                        .param("schema_version", schemaVersion)
                        .header(TunnelHeaders.DATE_TRANSFORM, TunnelHeaders.DATE_TRANSFORM_VALUE)
                        .header(TunnelHeaders.SCHEMA_EVOLUTION, "true")
                        .build();
        slots = parseSlots(tunnel.callJson(request), context);
    }

    /**
     * Flushes a pack to the session's partition; see {@link #flush(PartitionSpec, String, byte[],
     * int, int, long)}.
     */
    public FlushResult flush(
            String contentEncoding, byte[] data, int offset, int length, long recordCount)
            throws TunnelException {
        return flush(null, contentEncoding, data, offset, length, recordCount);
    }

    /**
     * Flushes one record pack (an encoded, optionally compressed record stream in the caller's
     * buffer) to the next slot: {@code PUT
     * <table>/streams?uploadid&slotid&schema_version&record_count}. A 502/504 reloads the session
     * and the pack is re-sent (the buffer is the caller's, so the retry is exact); other retryable
     * failures follow the client's retry policy.
     *
     * @param dynamicTarget the partition of this pack for dynamic-partition sessions, else null
     */
    public FlushResult flush(
            PartitionSpec dynamicTarget,
            String contentEncoding,
            byte[] data,
            int offset,
            int length,
            long recordCount)
            throws TunnelException {
        Objects.checkFromIndexSize(offset, length, data.length);
        PartitionSpec target = dynamicTarget != null ? dynamicTarget : partition;
        ErrorContext context =
                ErrorContext.of("flush stream pack")
                        .withTable(table.toString())
                        .withPartition(target.toString())
                        .withSessionId(id);
        if (dynamicPartition && (dynamicTarget == null || dynamicTarget.isEmpty())) {
            throw TunnelException.local(
                    context, "a dynamic-partition session needs the pack's partition");
        }
        RetryTally tally = new RetryTally();
        FlushResult result =
                tunnel.caller()
                        .run(
                                tunnel.tunnelEndpoint() + "|" + table,
                                context,
                                true,
                                () -> {
                                    try {
                                        return flushOnce(
                                                target,
                                                contentEncoding,
                                                data,
                                                offset,
                                                length,
                                                recordCount,
                                                context);
                                    } catch (TunnelException e) {
                                        if (e.httpStatus() == 502 || e.httpStatus() == 504) {
                                            reload();
                                        }
                                        throw e;
                                    }
                                },
                                tally);
        return result.withRetries(tally.retries(), tally.waitedMillis());
    }

    /**
     * Finishes {@code pack}, flushes it (to {@code dynamicTarget} for dynamic-partition sessions,
     * else null) and resets it for reuse.
     */
    public FlushResult flush(PartitionSpec dynamicTarget, RecordPack pack)
            throws TunnelException, java.io.IOException {
        pack.finish();
        FlushResult result =
                flush(
                        dynamicTarget,
                        pack.compression().contentEncoding(),
                        pack.buffer(),
                        0,
                        pack.length(),
                        pack.recordCount());
        pack.reset();
        return result;
    }

    private FlushResult flushOnce(
            PartitionSpec target,
            String contentEncoding,
            byte[] data,
            int offset,
            int length,
            long recordCount,
            ErrorContext context)
            throws TunnelException {
        List<Slot> current = slots;
        int index = Math.floorMod(nextSlot.getAndIncrement(), current.size());
        Slot slot = current.get(index);
        TunnelRequest.Builder b =
                tunnel.request(
                                "PUT",
                                ResourcePaths.tunnelStreams(table),
                                table,
                                target,
                                true,
                                context)
                        .param("uploadid", id)
                        .param("slotid", slot.id())
                        .param("schema_version", schemaVersion)
                        .param("record_count", Long.toString(recordCount))
                        .param("check_latest_schema", "false")
                        .header(TunnelHeaders.CONTENT_TYPE, TunnelHeaders.OCTET_STREAM)
                        .header(TunnelHeaders.DATE_TRANSFORM, TunnelHeaders.DATE_TRANSFORM_VALUE)
                        .header(TunnelHeaders.SCHEMA_EVOLUTION, "true")
                        .header(TunnelHeaders.SLOT_NUM, Integer.toString(current.size()))
                        .header(TunnelHeaders.ROUTED_SERVER, slot.server())
                        .body(RequestBody.bytes(data, offset, length));
        if (dynamicPartition) {
            b.param("dynamic_partition", "true");
        }
        if (contentEncoding != null && !contentEncoding.isEmpty()) {
            b.header(TunnelHeaders.CONTENT_ENCODING, contentEncoding);
        }
        TunnelRequest request = b.build();
        FlushResult result;
        String routed;
        String slotNum;
        try (var response = tunnel.caller().transport().open(request)) {
            routed = response.header(TunnelHeaders.ROUTED_SERVER);
            slotNum = response.header(TunnelHeaders.SLOT_NUM);
            String batch = response.header(TunnelHeaders.BATCH_ID);
            long batchId = -1;
            if (batch != null) {
                try {
                    batchId = Long.parseLong(batch.trim());
                } catch (NumberFormatException ignored) {
                    // a batch id that is not a number is reported as absent
                }
            }
            result = new FlushResult(response.requestId(), batchId, slot.id());
        } catch (TunnelException e) {
            throw e;
        } catch (java.io.IOException e) {
            throw TunnelException.io(context, e);
        }
        if (routed != null && !routed.equals(slot.server())) {
            repoint(slot, routed);
        }
        if (slotNum != null) {
            try {
                if (Integer.parseInt(slotNum.trim()) != current.size()) {
                    reload();
                }
            } catch (NumberFormatException ignored) {
                // an unreadable slot count leaves the slots as they are
            }
        }
        return result;
    }

    private synchronized void repoint(Slot slot, String server) {
        List<Slot> updated = new ArrayList<>(slots);
        for (int i = 0; i < updated.size(); i++) {
            if (updated.get(i).id().equals(slot.id())) {
                updated.set(i, new Slot(slot.id(), server));
            }
        }
        slots = List.copyOf(updated);
    }

    @Override
    public String toString() {
        return "StreamUploadSession{"
                + table
                + (partition.isEmpty() ? "" : "/" + partition)
                + ", id="
                + id
                + ", slots="
                + slots.size()
                + "}";
    }
}
