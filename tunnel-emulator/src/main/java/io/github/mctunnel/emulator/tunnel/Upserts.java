package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.OdpsType;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.emulator.catalog.TableState;
import io.github.mctunnel.emulator.server.EmulatorRequest;
import io.github.mctunnel.emulator.server.EmulatorResponse;
import io.github.mctunnel.emulator.server.ServiceException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upserts ({@code /upserts}) on transactional tables with a primary key: create, flush PUT (data
 * columns plus five meta columns; {@code __operation} 'U' = 85 upserts, 'D' = 68 deletes), commit
 * (changes visible atomically; at most one commit per partition per upsert commit interval), abort
 * (DELETE) and reload. Partitions are created on demand. Partial-column updates (an upsert whose
 * {@code __value_cols} lists the {@code column_id}s it sets; the row keeps its other columns) are
 * taken from tables with {@code 'acid.partial.fields.update.enable'='true'} and refused otherwise.
 */
final class Upserts {

    static final String NO_SUCH = "NoSuchUpload";
    static final String KIND = "upsert session";

    static final byte OP_UPSERT = 'U';
    static final byte OP_DELETE = 'D';

    private static final int META_COLUMNS = 5;

    /** The table property that lets a Delta table take partial-column updates. */
    static final String PARTIAL_UPDATE_PROPERTY = "acid.partial.fields.update.enable";

    private final TunnelContext ctx;

    Upserts(TunnelContext ctx) {
        this.ctx = ctx;
    }

    void create(EmulatorRequest req, EmulatorResponse resp, TableState table) {
        List<String> pk = table.primaryKey();
        if (!table.transactional() || pk == null || pk.isEmpty()) {
            throw TunnelErrors.invalidArgument(
                    "Table "
                            + table.id()
                            + " is not a transactional table with a primary key; upserts need one");
        }
        PartitionSpec p = ctx.partition(req, table, true);
        int buckets = Math.max(1, table.bucketCount());
        int slots = 1;
        String slotNum = req.param("slotnum");
        if (slotNum != null && !slotNum.isEmpty()) {
            try {
                slots = Integer.parseInt(slotNum.trim());
            } catch (NumberFormatException e) {
                throw TunnelErrors.invalidArgument("slotnum is not a number: '" + slotNum + "'");
            }
            if (slots < 1) {
                throw TunnelErrors.invalidArgument("slotnum must be >= 1: " + slots);
            }
        }
        slots = Math.min(slots, buckets);
        Duration lifetime = ctx.limits.sessionLifetime();
        String lifecycle = req.param("lifecycle");
        if (lifecycle != null && !lifecycle.isEmpty()) {
            try {
                int hours = Integer.parseInt(lifecycle.trim());
                if (hours < 1 || hours > 24) {
                    throw TunnelErrors.invalidArgument(
                            "lifecycle must be between 1 and 24 hours: " + hours);
                }
                lifetime = Duration.ofHours(hours);
            } catch (NumberFormatException e) {
                throw TunnelErrors.invalidArgument(
                        "lifecycle is not a number: '" + lifecycle + "'");
            }
        }
        ctx.requirePartition(table, p, true);
        int[] keyIndexes = new int[pk.size()];
        for (int i = 0; i < keyIndexes.length; i++) {
            keyIndexes[i] = table.schema().indexOf(pk.get(i));
        }
        Instant now = ctx.now();
        UpsertSession session =
                new UpsertSession(
                        ctx.newSessionId(now),
                        table,
                        p,
                        slots,
                        keyIndexes,
                        now,
                        now.plus(lifetime));
        ctx.sessions.put(session.id(), session);
        ctx.traffic(table).upsertSessionsCreated.incrementAndGet();
        resp.json(json(session));
    }

    void reload(EmulatorRequest req, EmulatorResponse resp, TableState table) {
        resp.json(json(session(req, table)));
    }

    void flush(EmulatorRequest req, EmulatorResponse resp, TableState table) throws IOException {
        UpsertSession session = session(req, table);
        long bucket = TunnelContext.longParam(req, "bucketid", "InvalidArgument");
        int buckets = Math.max(1, table.bucketCount());
        if (bucket < 0 || bucket >= buckets) {
            throw TunnelErrors.invalidArgument(
                    "Bucket "
                            + bucket
                            + " is not valid; the table has buckets 0.."
                            + (buckets - 1));
        }
        if (session.status() != UpsertSession.Status.NORMAL) {
            throw TunnelErrors.statusConflict(
                    "upsert session " + session.id() + " is " + session.status().wire);
        }
        TableSchema schema = table.schema();
        int n = schema.columnCount();
        List<Object[]> records = RecordBodies.readAll(req, recordColumns(schema), ctx.limits);
        List<Object[]> rows = new ArrayList<>(records.size());
        boolean[] deletes = new boolean[records.size()];
        List<boolean[]> updated = null;
        Map<Long, Integer> columnIds = SchemaJson.dataColumnIds(schema);
        for (int r = 0; r < records.size(); r++) {
            Object[] rec = records.get(r);
            Object op = rec[n + 2];
            if (!(op instanceof Number num)
                    || (num.byteValue() != OP_UPSERT && num.byteValue() != OP_DELETE)) {
                throw TunnelErrors.malformedDataStream(
                        "Record "
                                + r
                                + " has __operation "
                                + op
                                + "; expected 85 ('U', upsert) or 68 ('D', delete)");
            }
            Object valueCols = rec[n + 4];
            if (valueCols instanceof List<?> list
                    && !list.isEmpty()
                    && num.byteValue() == OP_UPSERT) {
                if (updated == null) {
                    updated = new ArrayList<>(Collections.nCopies(records.size(), null));
                }
                updated.set(r, updatedColumns(table, columnIds, list, r));
            }
            Object[] row = Arrays.copyOf(rec, n);
            for (String key : table.primaryKey()) {
                if (row[schema.indexOf(key)] == null) {
                    throw TunnelErrors.invalidArgument(
                            "Record " + r + " has a NULL primary-key column " + key);
                }
            }
            rows.add(row);
            deletes[r] = num.byteValue() == OP_DELETE;
        }
        if (!session.stage(rows, deletes, updated)) {
            throw TunnelErrors.statusConflict(
                    "upsert session " + session.id() + " is " + session.status().wire);
        }
        resp.status(200);
    }

    /**
     * The columns a partial update sets, from its {@code __value_cols} ({@code column_id}s).
     *
     * @throws ServiceException when the table does not take partial updates or an id is unknown
     */
    private static boolean[] updatedColumns(
            TableState table, Map<Long, Integer> columnIds, List<?> valueCols, int record) {
        if (!partialUpdateEnabled(table)) {
            // the message of the official SDK's own check; the service's code is not documented
            throw TunnelErrors.invalidArgument(
                    "Table "
                            + table.id()
                            + " do not support partial update, consider set table properties '"
                            + PARTIAL_UPDATE_PROPERTY
                            + "=true' (record "
                            + record
                            + " has __value_cols "
                            + valueCols
                            + ")");
        }
        boolean[] updated = new boolean[table.schema().columnCount()];
        for (Object id : valueCols) {
            Integer idx = id instanceof Number number ? columnIds.get(number.longValue()) : null;
            if (idx == null) {
                throw TunnelErrors.invalidArgument(
                        "Record "
                                + record
                                + " has __value_cols "
                                + valueCols
                                + ": "
                                + id
                                + " is not the column_id of a data column of "
                                + table.id());
            }
            updated[idx] = true;
        }
        return updated;
    }

    /** Whether the table sets {@code acid.partial.fields.update.enable} to true. */
    static boolean partialUpdateEnabled(TableState table) {
        for (Map.Entry<String, String> e : table.definition().properties().entrySet()) {
            if (e.getKey().equalsIgnoreCase(PARTIAL_UPDATE_PROPERTY)) {
                return "true".equalsIgnoreCase(e.getValue().trim());
            }
        }
        return false;
    }

    void commit(EmulatorRequest req, EmulatorResponse resp, TableState table) {
        UpsertSession session = session(req, table);
        synchronized (session) {
            switch (session.status()) {
                case COMMITTED -> {
                    resp.json(json(session));
                    return;
                }
                case ABORTED ->
                        throw TunnelErrors.statusConflict(
                                "upsert session " + session.id() + " was aborted");
                case NORMAL -> {
                    TableTraffic traffic = ctx.traffic(table);
                    traffic.acquireUpsertCommit(session.partition(), ctx.now());
                    long changed = session.commit();
                    traffic.upsertCommitCount.incrementAndGet();
                    traffic.rowsCommitted.addAndGet(changed);
                }
            }
        }
        resp.json(json(session));
    }

    void abort(EmulatorRequest req, EmulatorResponse resp, TableState table) {
        UpsertSession session = session(req, table);
        synchronized (session) {
            if (session.status() == UpsertSession.Status.COMMITTED) {
                throw TunnelErrors.statusConflict(
                        "upsert session " + session.id() + " is already committed");
            }
            session.abort();
        }
        resp.json(json(session));
    }

    /** Data columns followed by the five upsert meta columns. */
    static List<Column> recordColumns(TableSchema schema) {
        List<Column> columns = new ArrayList<>(schema.columnCount() + META_COLUMNS);
        columns.addAll(schema.columns());
        TypeInfo bigint = TypeInfo.of(OdpsType.BIGINT);
        columns.add(Column.of("__version", bigint));
        columns.add(Column.of("__app_version", bigint));
        columns.add(Column.of("__operation", TypeInfo.of(OdpsType.TINYINT)));
        columns.add(Column.of("__key_cols", TypeInfo.array(bigint)));
        columns.add(Column.of("__value_cols", TypeInfo.array(bigint)));
        return columns;
    }

    private UpsertSession session(EmulatorRequest req, TableState table) {
        return ctx.session(UpsertSession.class, req.param("upsertid"), table, NO_SUCH, KIND);
    }

    private Map<String, Object> json(UpsertSession s) {
        TableState table = s.table();
        int buckets = Math.max(1, table.bucketCount());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", s.id());
        json.put("status", s.status().wire);
        json.put("quota_name", "");
        json.put("enable_partial_update", partialUpdateEnabled(table));
        json.put("schema", SchemaJson.of(table.schema()));
        json.put("hash_key", table.primaryKey());
        json.put("hasher", "default");
        List<Map<String, Object>> slots = new ArrayList<>(s.slotCount());
        for (int slot = 0; slot < s.slotCount(); slot++) {
            List<Integer> slotBuckets = new ArrayList<>();
            for (int b = slot; b < buckets; b += s.slotCount()) {
                slotBuckets.add(b);
            }
            Map<String, Object> js = new LinkedHashMap<>();
            js.put("slot_id", Integer.toString(slot + 1));
            js.put("buckets", slotBuckets);
            js.put("worker_addr", ctx.advertisedHostPort);
            slots.add(js);
        }
        json.put("slots", slots);
        return json;
    }
}
