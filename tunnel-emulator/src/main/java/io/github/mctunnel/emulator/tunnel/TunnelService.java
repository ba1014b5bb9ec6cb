package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.catalog.Catalog;
import io.github.mctunnel.emulator.catalog.TableState;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.server.EmulatorRequest;
import io.github.mctunnel.emulator.server.EmulatorResponse;
import io.github.mctunnel.emulator.server.TunnelHandler;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The tunnel data plane: every request on a tunnel table path {@code
 * /projects/{p}[/schemas/{s}]/tables/{t}[/streams|/upserts]}. Batch upload and download, stream
 * upload and upserts, with the service's limits ({@link EmulatorLimits}) and error codes. The
 * router authenticates, injects faults and logs before calling {@link #handle}.
 *
 * <p>All time comes from the injected clock, so tests can move it (session lifetime, rate windows,
 * upsert commit interval).
 */
public final class TunnelService implements TunnelHandler {

    private final TunnelContext ctx;
    private final BatchUploads uploads;
    private final BatchDownloads downloads;
    private final StreamUploads streams;
    private final Upserts upserts;

    /**
     * @param advertisedHostPort {@code host:port} the emulator is reached at; sent as slot and
     *     worker addresses (stream and upsert sessions) and as {@code odps-tunnel-routed-server}
     */
    public TunnelService(
            Catalog catalog, EmulatorLimits limits, Clock clock, String advertisedHostPort) {
        Objects.requireNonNull(advertisedHostPort, "advertisedHostPort");
        if (advertisedHostPort.split(":", -1).length != 2 || advertisedHostPort.startsWith(":")) {
            throw new IllegalArgumentException(
                    "advertisedHostPort must be host:port, got '" + advertisedHostPort + "'");
        }
        this.ctx =
                new TunnelContext(
                        Objects.requireNonNull(catalog, "catalog"),
                        Objects.requireNonNull(limits, "limits"),
                        Objects.requireNonNull(clock, "clock"),
                        advertisedHostPort);
        catalog.onTableDropped(ctx::releaseSessionsOf);
        this.uploads = new BatchUploads(ctx);
        this.downloads = new BatchDownloads(ctx);
        this.streams = new StreamUploads(ctx);
        this.upserts = new Upserts(ctx);
    }

    @Override
    public void handle(
            EmulatorRequest req,
            EmulatorResponse resp,
            String project,
            String schemaOrNull,
            String table,
            String suffix)
            throws Exception {
        ctx.purgeExpiredIfDue();
        TableState state = ctx.catalog.table(project, schemaOrNull, table);
        String method = req.method();
        switch (suffix) {
            case "" -> handleTable(req, resp, state, method);
            case "streams" -> handleStreams(req, resp, state, method);
            case "upserts" -> handleUpserts(req, resp, state, method);
            case "preview" ->
                    throw TunnelErrors.notImplemented(
                            "The emulator does not serve Arrow table previews");
            default -> throw TunnelErrors.unsupportedRequest(method, suffix, req.params().keySet());
        }
    }

    private void handleTable(
            EmulatorRequest req, EmulatorResponse resp, TableState table, String method)
            throws Exception {
        boolean upload = req.hasParam("uploadid");
        boolean download = req.hasParam("downloadid");
        switch (method) {
            case "POST" -> {
                if (req.hasParam("uploads")) {
                    uploads.create(req, resp, table);
                } else if (req.hasParam("downloads")) {
                    downloads.create(req, resp, table);
                } else if (upload) {
                    uploads.commit(req, resp, table);
                } else {
                    throw unsupported(req, "");
                }
            }
            case "PUT" -> {
                if (!upload) {
                    throw unsupported(req, "");
                }
                uploads.writeBlock(req, resp, table);
            }
            case "GET" -> {
                if (download && req.hasParam("data")) {
                    downloads.read(req, resp, table);
                } else if (download) {
                    downloads.reload(req, resp, table);
                } else if (upload) {
                    uploads.reload(req, resp, table);
                } else {
                    throw unsupported(req, "");
                }
            }
            default -> throw unsupported(req, "");
        }
    }

    private void handleStreams(
            EmulatorRequest req, EmulatorResponse resp, TableState table, String method)
            throws Exception {
        boolean session = req.hasParam("uploadid");
        switch (method) {
            case "POST" -> {
                if (session) {
                    streams.reload(req, resp, table);
                } else {
                    streams.create(req, resp, table);
                }
            }
            case "GET" -> {
                if (!session) {
                    throw unsupported(req, "streams");
                }
                streams.reload(req, resp, table);
            }
            case "PUT" -> {
                if (!session) {
                    throw unsupported(req, "streams");
                }
                streams.flush(req, resp, table);
            }
            default -> throw unsupported(req, "streams");
        }
    }

    private void handleUpserts(
            EmulatorRequest req, EmulatorResponse resp, TableState table, String method)
            throws Exception {
        boolean session = req.hasParam("upsertid");
        if (!session && !method.equals("POST")) {
            throw unsupported(req, "upserts");
        }
        switch (method) {
            case "POST" -> {
                if (session) {
                    upserts.commit(req, resp, table);
                } else {
                    upserts.create(req, resp, table);
                }
            }
            case "GET" -> upserts.reload(req, resp, table);
            case "PUT" -> upserts.flush(req, resp, table);
            case "DELETE" -> upserts.abort(req, resp, table);
            default -> throw unsupported(req, "upserts");
        }
    }

    private static RuntimeException unsupported(EmulatorRequest req, String suffix) {
        return TunnelErrors.unsupportedRequest(req.method(), suffix, req.params().keySet());
    }

    /** What the tunnel did on a table; all zero for a table it never saw. */
    public TunnelStats stats(TableIdentifier table) {
        TableTraffic t = ctx.existingTraffic(table);
        if (t == null) {
            return new TunnelStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        String key = TunnelContext.key(table);
        Instant now = ctx.now();
        int openUploads = 0;
        int openUpserts = 0;
        int slots = 0;
        for (TunnelSession s : ctx.sessions.values()) {
            if (!TunnelContext.key(s.table().id()).equals(key) || s.expired(now)) {
                continue;
            }
            if (s instanceof BatchUploadSession u && !u.committed()) {
                openUploads++;
            } else if (s instanceof UpsertSession u && u.status() == UpsertSession.Status.NORMAL) {
                openUpserts++;
            } else if (s instanceof StreamUploadSession st) {
                slots +=
                        st.slotCount()
                                * st.heldPartitions(now, ctx.limits.streamSlotIdleTimeout()).size();
            }
        }
        return new TunnelStats(
                t.uploadSessionsCreated.get(),
                openUploads,
                t.downloadSessionsCreated.get(),
                t.streamSessionsCreated.get(),
                t.upsertSessionsCreated.get(),
                openUpserts,
                t.commitCount.get(),
                t.upsertCommitCount.get(),
                t.blocksWritten.get(),
                t.flushes.get(),
                slots,
                t.rowsCommitted.get());
    }

    /** The stream partitions and slots the table's live stream sessions hold, and their peaks. */
    public StreamSlotStats streamSlots(TableIdentifier table) {
        TableTraffic t = ctx.existingTraffic(table);
        if (t == null) {
            return new StreamSlotStats(0, 0, 0, 0, 0);
        }
        Map<PartitionSpec, Integer> held =
                ctx.catalog
                        .findTable(table.project(), table.schema(), table.table())
                        .map(streams::slotsByPartition)
                        .orElse(Map.of());
        int slots = 0;
        for (int n : held.values()) {
            slots += n;
        }
        return new StreamSlotStats(
                held.size(),
                slots,
                t.peakStreamPartitions(),
                t.peakStreamSlotsPerPartition(),
                t.streamLimitRefusals.get());
    }

    /**
     * Ends a session's lifetime now, as if its lifetime had passed: every later request on it fails
     * with the session kind's {@code NoSuch...} code and a message saying it expired.
     *
     * @throws IllegalArgumentException when no session has this id
     */
    public void expireSession(String sessionId) {
        TunnelSession s = ctx.sessions.get(sessionId);
        if (s == null) {
            throw new IllegalArgumentException("No tunnel session with id " + sessionId);
        }
        s.expire(ctx.now());
    }

    /**
     * Removes every session whose lifetime has passed from memory now (requests also do it, at most
     * once a minute of emulator time). A request on a removed session still answers its kind's
     * {@code NoSuch...} code saying it expired.
     *
     * @return how many sessions were removed
     */
    public int purgeExpiredSessions() {
        return ctx.purgeExpired();
    }

    /** How many sessions (of every kind, expired ones not yet purged included) are in memory. */
    public int sessionsInMemory() {
        return ctx.sessions.size();
    }

    /** The limits this service enforces. */
    public EmulatorLimits limits() {
        return ctx.limits;
    }
}
