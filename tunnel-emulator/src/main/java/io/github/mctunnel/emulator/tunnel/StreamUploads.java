package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.catalog.RowChunkEncoder;
import io.github.mctunnel.emulator.catalog.TableState;
import io.github.mctunnel.emulator.server.EmulatorRequest;
import io.github.mctunnel.emulator.server.EmulatorResponse;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stream upload ({@code /streams}): create, flush PUT (rows visible once flushed), reload by GET or
 * POST. Enforces stream partitions per table and slots per partition.
 */
final class StreamUploads {

    static final String NO_SUCH = "NoSuchUpload";
    static final String KIND = "stream upload session";

    private final TunnelContext ctx;

    StreamUploads(TunnelContext ctx) {
        this.ctx = ctx;
    }

    void create(EmulatorRequest req, EmulatorResponse resp, TableState table) {
        boolean dynamic = "true".equalsIgnoreCase(req.param("dynamic_partition"));
        PartitionSpec p = ctx.partition(req, table, !dynamic);
        boolean createPartition = TunnelContext.flag(req, "create_partition");
        int slots = requestedSlots(req);
        if (slots > ctx.limits.maxSlotsPerPartition()) {
            throw TunnelErrors.slotExceeded(
                    "Requested "
                            + slots
                            + " slots; a partition has at most "
                            + ctx.limits.maxSlotsPerPartition());
        }
        TableTraffic traffic = ctx.traffic(table);
        StreamUploadSession session;
        synchronized (traffic) {
            if (!dynamic) {
                ctx.requirePartition(table, p, createPartition);
                reserve(table, traffic, p, slots);
            }
            Instant now = ctx.now();
            session =
                    new StreamUploadSession(
                            ctx.newSessionId(now),
                            table,
                            p,
                            slots,
                            dynamic,
                            createPartition,
                            now,
                            ctx.expiry(now));
            ctx.sessions.put(session.id(), session);
        }
        traffic.streamSessionsCreated.incrementAndGet();
        resp.json(json(session));
    }

    void reload(EmulatorRequest req, EmulatorResponse resp, TableState table) {
        resp.json(json(session(req, table)));
    }

    void flush(EmulatorRequest req, EmulatorResponse resp, TableState table) throws IOException {
        StreamUploadSession session = session(req, table);
        long slotId = TunnelContext.longParam(req, "slotid", "InvalidArgument");
        if (slotId < 1 || slotId > session.slotCount()) {
            throw TunnelErrors.invalidArgument(
                    "Slot "
                            + slotId
                            + " does not belong to stream session "
                            + session.id()
                            + " (slots 1.."
                            + session.slotCount()
                            + ")");
        }
        PartitionSpec p = session.partition();
        TableTraffic traffic = ctx.traffic(table);
        if (session.dynamicPartition()) {
            p = ctx.partition(req, table, true);
        }
        synchronized (traffic) {
            Instant now = ctx.now();
            if (!session.holds(p, now, ctx.limits.streamSlotIdleTimeout())) {
                // first flush to the partition, or the hold lapsed while the session was idle
                if (session.dynamicPartition()) {
                    ctx.requirePartition(table, p, true);
                }
                reserve(table, traffic, p, session.slotCount());
                session.wrote(p);
            }
            session.used(p, now);
        }
        RowChunkEncoder encoder = table.newEncoder();
        long rows = RecordBodies.readInto(req, table.schema().columns(), ctx.limits, encoder);
        String declared = req.param("record_count");
        if (declared != null && !declared.isEmpty() && !declared.equals(Long.toString(rows))) {
            throw TunnelErrors.malformedDataStream(
                    "record_count is " + declared + " but the body holds " + rows + " records");
        }
        if (rows > 0) {
            table.commitEncoded(Map.of(p, encoder.finish()), false);
        }
        traffic.flushes.incrementAndGet();
        traffic.rowsCommitted.addAndGet(rows);
        long batchId = session.nextBatchId(ctx.now());
        resp.status(200);
        resp.header("odps-tunnel-slot-num", Integer.toString(session.slotCount()));
        resp.header("odps-tunnel-routed-server", ctx.advertisedHostPort);
        resp.header("odps-tunnel-batch-id", Long.toString(batchId));
    }

    /** Slots held by live stream sessions, per partition of the table. */
    Map<PartitionSpec, Integer> slotsByPartition(TableState table) {
        Instant now = ctx.now();
        String key = TunnelContext.key(table.id());
        Map<PartitionSpec, Integer> slots = new HashMap<>();
        for (TunnelSession s : ctx.sessions.values()) {
            if (s instanceof StreamUploadSession st
                    && TunnelContext.key(st.table().id()).equals(key)) {
                for (PartitionSpec p : st.heldPartitions(now, ctx.limits.streamSlotIdleTimeout())) {
                    slots.merge(p, st.slotCount(), Integer::sum);
                }
            }
        }
        return slots;
    }

    /**
     * Checks the partition and slot budgets for {@code slots} more slots on {@code p} and records
     * the table's new peaks. Callers hold the table's traffic lock.
     */
    private void reserve(TableState table, TableTraffic traffic, PartitionSpec p, int slots) {
        Map<PartitionSpec, Integer> held = slotsByPartition(table);
        int partitions = held.size() + (held.containsKey(p) ? 0 : 1);
        if (partitions > ctx.limits.maxStreamPartitionsPerTable()) {
            traffic.streamLimitRefusals.incrementAndGet();
            throw TunnelErrors.slotExceeded(
                    "Table "
                            + table.id()
                            + " already streams into "
                            + held.size()
                            + " partitions; the limit is "
                            + ctx.limits.maxStreamPartitionsPerTable());
        }
        int inUse = held.getOrDefault(p, 0);
        if (inUse + slots > ctx.limits.maxSlotsPerPartition()) {
            traffic.streamLimitRefusals.incrementAndGet();
            throw TunnelErrors.slotExceeded(
                    "Partition '"
                            + p
                            + "' of table "
                            + table.id()
                            + " has "
                            + inUse
                            + " of "
                            + ctx.limits.maxSlotsPerPartition()
                            + " slots in use; "
                            + slots
                            + " more requested");
        }
        traffic.recordStreamPeaks(partitions, inUse + slots);
    }

    private static int requestedSlots(EmulatorRequest req) {
        String v = req.header("odps-tunnel-slot-num");
        if (v == null) {
            v = req.header("odps-slot-num");
        }
        if (v == null || v.isBlank()) {
            return 1;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1) {
                throw TunnelErrors.malformedHeader("odps-tunnel-slot-num must be >= 1: " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw TunnelErrors.malformedHeader("odps-tunnel-slot-num is not a number: '" + v + "'");
        }
    }

    private StreamUploadSession session(EmulatorRequest req, TableState table) {
        return ctx.session(StreamUploadSession.class, req.param("uploadid"), table, NO_SUCH, KIND);
    }

    private Map<String, Object> json(StreamUploadSession s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("session_name", s.id());
        json.put("status", "normal");
        json.put("schema_version", 0);
        json.put("quota_name", "");
        json.put("schema", SchemaJson.of(s.table().schema()));
        List<List<Object>> slots = new ArrayList<>(s.slotCount());
        for (int i = 1; i <= s.slotCount(); i++) {
            slots.add(List.of(i, ctx.advertisedHostPort));
        }
        json.put("slots", slots);
        if (s.lastBatchId() >= 0) {
            json.put("last_batch_id", Long.toString(s.lastBatchId()));
            json.put("last_batch_commit_time", Long.toString(s.lastBatchTime().toEpochMilli()));
        }
        return json;
    }
}
