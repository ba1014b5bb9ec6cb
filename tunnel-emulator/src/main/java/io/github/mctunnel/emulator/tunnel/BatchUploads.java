package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.catalog.RowChunkEncoder;
import io.github.mctunnel.emulator.catalog.TableState;
import io.github.mctunnel.emulator.server.EmulatorRequest;
import io.github.mctunnel.emulator.server.EmulatorResponse;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Batch upload: create, block PUT, reload with the block list, commit. */
final class BatchUploads {

    static final String NO_SUCH = "NoSuchUpload";
    static final String KIND = "upload session";

    private final TunnelContext ctx;

    BatchUploads(TunnelContext ctx) {
        this.ctx = ctx;
    }

    void create(EmulatorRequest req, EmulatorResponse resp, TableState table) {
        PartitionSpec p = ctx.partition(req, table, true);
        boolean create =
                TunnelContext.flag(req, "create_partition")
                        || "true".equalsIgnoreCase(req.param("create_partition"));
        ctx.requirePartition(table, p, create);
        boolean overwrite = "true".equalsIgnoreCase(req.param("overwrite"));
        TableTraffic traffic = ctx.traffic(table);
        BatchUploadSession session;
        synchronized (traffic) {
            int open = openSessions(table);
            if (open >= ctx.limits.maxConcurrentUploadSessions()) {
                throw TunnelErrors.flowExceeded(
                        "Table "
                                + table.id()
                                + " already has "
                                + open
                                + " open UploadSessions; the limit is "
                                + ctx.limits.maxConcurrentUploadSessions()
                                + ". Commit or let sessions expire before creating more",
                        1);
            }
            traffic.acquireUploadSession();
            Instant now = ctx.now();
            session =
                    new BatchUploadSession(
                            ctx.newSessionId(now), table, p, overwrite, now, ctx.expiry(now));
            ctx.sessions.put(session.id(), session);
        }
        traffic.uploadSessionsCreated.incrementAndGet();
        resp.json(json(session));
    }

    int openSessions(TableState table) {
        Instant now = ctx.now();
        String key = TunnelContext.key(table.id());
        int open = 0;
        for (TunnelSession s : ctx.sessions.values()) {
            if (s instanceof BatchUploadSession u
                    && !u.committed()
                    && !u.expired(now)
                    && TunnelContext.key(u.table().id()).equals(key)) {
                open++;
            }
        }
        return open;
    }

    void writeBlock(EmulatorRequest req, EmulatorResponse resp, TableState table)
            throws IOException {
        BatchUploadSession session = session(req, table);
        long blockId = TunnelContext.longParam(req, "blockid", "InvalidBlockID");
        if (blockId < 0 || blockId >= ctx.limits.maxBlockId()) {
            throw TunnelErrors.invalidBlockId(
                    "The specified block id is not valid: "
                            + blockId
                            + " is outside [0, "
                            + ctx.limits.maxBlockId()
                            + ")");
        }
        if (req.hasParam("arrow")) {
            throw TunnelErrors.notImplemented("The emulator does not accept Arrow blocks");
        }
        if (session.committed()) {
            throw TunnelErrors.statusConflict(
                    "upload session " + session.id() + " is already committed");
        }
        if (!session.hasBlock(blockId)
                && session.blockCount() >= ctx.limits.maxBlocksPerSession()) {
            throw TunnelErrors.invalidBlockId(
                    "The specified block id is not valid: upload session "
                            + session.id()
                            + " already holds "
                            + ctx.limits.maxBlocksPerSession()
                            + " blocks, the most one session may hold");
        }
        TableTraffic traffic = ctx.traffic(table);
        traffic.acquireBlock();
        RowChunkEncoder encoder = table.newEncoder();
        long rows = RecordBodies.readInto(req, table.schema().columns(), ctx.limits, encoder);
        BatchUploadSession.Block block =
                new BatchUploadSession.Block(blockId, encoder.finish(), rows, ctx.now());
        if (!session.putBlock(block)) {
            throw TunnelErrors.statusConflict(
                    "upload session "
                            + session.id()
                            + " was committed while the block was written");
        }
        traffic.blocksWritten.incrementAndGet();
        resp.status(200);
    }

    void reload(EmulatorRequest req, EmulatorResponse resp, TableState table) {
        resp.json(json(session(req, table)));
    }

    void commit(EmulatorRequest req, EmulatorResponse resp, TableState table) {
        BatchUploadSession session = session(req, table);
        TableTraffic traffic = ctx.traffic(table);
        if (!session.committed()) {
            traffic.acquireCommit();
            long rows = session.commit();
            if (rows >= 0) {
                traffic.commitCount.incrementAndGet();
                traffic.rowsCommitted.addAndGet(rows);
            }
        }
        resp.json(json(session));
    }

    private BatchUploadSession session(EmulatorRequest req, TableState table) {
        return ctx.session(BatchUploadSession.class, req.param("uploadid"), table, NO_SUCH, KIND);
    }

    private Map<String, Object> json(BatchUploadSession s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("UploadID", s.id());
        json.put("Status", s.committed() ? "closed" : "normal");
        json.put("Schema", SchemaJson.of(s.table().schema()));
        List<Map<String, Object>> blocks = new ArrayList<>();
        for (BatchUploadSession.Block b : s.blocks()) {
            Map<String, Object> block = new LinkedHashMap<>();
            block.put("BlockID", b.id());
            block.put("RecordCount", b.recordCount());
            block.put("Version", 0);
            block.put("CreateTime", b.written().getEpochSecond());
            block.put("Date", HTTP_DATE.format(b.written()));
            block.put("FileName", s.id() + "_" + b.id());
            blocks.add(block);
        }
        json.put("UploadedBlockList", blocks);
        json.put("MaxFieldSize", ctx.limits.maxFieldSize());
        json.put("QuotaName", "");
        json.put("Initiated", HTTP_DATE.format(s.created()));
        json.put("IsOverwrite", s.overwrite());
        json.put("Owner", OWNER);
        return json;
    }

    static final String OWNER = "ALIYUN$emulator";

    static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
}
