package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.session.RecordPack;
import io.github.mctunnel.client.session.UpsertRecordLayout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An in-memory Delta table whose upsert sessions record what they are sent. */
final class FakeUpsertTable implements UpsertTable {

    final TableSchema schema;
    final List<String> hashKeys;
    final int bucketCount;
    String hasher = "default";
    boolean partialUpdate;
    final Map<String, FakeSession> sessions = new LinkedHashMap<>();
    final List<String> createdSessionsPartitions = new ArrayList<>();
    final List<String> commitOrder = new ArrayList<>();

    /** Times (by the given clock) of the commits, in order. */
    final List<Long> commitTimes = new ArrayList<>();

    java.util.function.LongSupplier clock = () -> 0L;
    boolean closed;
    private int nextId = 1;

    FakeUpsertTable(TableSchema schema, List<String> hashKeys, int bucketCount) {
        this.schema = schema;
        this.hashKeys = hashKeys;
        this.bucketCount = bucketCount;
    }

    @Override
    public String name() {
        return "p.users";
    }

    @Override
    public TableSchema schema() {
        return schema;
    }

    private final Map<String, String> shared = new LinkedHashMap<>();

    /**
     * Hands out one session per partition shared by all writers, replaced when a writer reports it
     * unusable (as the sink's coordinator does).
     */
    UpsertSessionSource sharedSessions() {
        return (partition, replaced) -> {
            String current = shared.get(partition.toString());
            if (current == null || current.equals(replaced)) {
                current = createSession(partition, bucketCount).id;
                shared.put(partition.toString(), current);
            }
            return current;
        };
    }

    @Override
    public FakeSession createSession(PartitionSpec partition, int slots) {
        FakeSession s = new FakeSession("s" + nextId++, partition);
        sessions.put(s.id, s);
        createdSessionsPartitions.add(partition.toString());
        return s;
    }

    @Override
    public FakeSession attachSession(PartitionSpec partition, String id) throws TunnelException {
        FakeSession s = sessions.get(id);
        if (s == null) {
            throw new TunnelException(
                    404,
                    "NoSuchUpload",
                    "no session " + id,
                    null,
                    ErrorContext.of("attach"),
                    0,
                    null);
        }
        return s;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** A session: its status is shared by every handle of the same id (one object per id). */
    final class FakeSession implements UpsertSessionHandle {
        final String id;
        final PartitionSpec partition;
        String status = "normal";

        /** bucket -> record count per flush. */
        final List<int[]> flushes = new ArrayList<>();

        TunnelException nextCommitFailure;
        int commitAttempts;

        FakeSession(String id, PartitionSpec partition) {
            this.id = id;
            this.partition = partition;
        }

        long recordCount() {
            return flushes.stream().mapToLong(f -> f[1]).sum();
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public TableSchema schema() {
            return TableSchema.of(schema.columns());
        }

        @Override
        public List<String> hashKeys() {
            return hashKeys;
        }

        @Override
        public String hasher() {
            return hasher;
        }

        @Override
        public int bucketCount() {
            return bucketCount;
        }

        @Override
        public UpsertRecordLayout recordLayout() {
            return new UpsertRecordLayout(schema(), hashKeys);
        }

        @Override
        public boolean partialUpdateEnabled() {
            return partialUpdate;
        }

        @Override
        public String status() {
            return status;
        }

        @Override
        public void reload() throws TunnelException {
            if (!sessions.containsKey(id)) {
                throw lost();
            }
        }

        /** What the service answers for a session it no longer knows. */
        private TunnelException lost() {
            return new TunnelException(
                    404,
                    "NoSuchUpload",
                    "no session " + id,
                    null,
                    ErrorContext.of("reload"),
                    0,
                    null);
        }

        @Override
        public void flush(int bucket, RecordPack pack) throws IOException {
            if (!sessions.containsKey(id)) {
                throw lost();
            }
            if (!"normal".equals(status)) {
                throw new TunnelException(
                        409,
                        "StatusConflict",
                        "upsert session " + id + " is " + status,
                        null,
                        ErrorContext.of("flush"),
                        0,
                        null);
            }
            pack.finish();
            flushes.add(new int[] {bucket, (int) pack.recordCount()});
            pack.reset();
        }

        @Override
        public void commit() throws TunnelException {
            commitAttempts++;
            if (nextCommitFailure != null) {
                TunnelException e = nextCommitFailure;
                nextCommitFailure = null;
                throw e;
            }
            status = "committed";
            commitOrder.add(id);
            commitTimes.add(clock.getAsLong());
        }

        @Override
        public void abort() {
            status = "aborted";
        }
    }

    static TableSchema schema(List<Column> columns, List<Column> partitionKeys) {
        return new TableSchema(columns, partitionKeys);
    }
}
