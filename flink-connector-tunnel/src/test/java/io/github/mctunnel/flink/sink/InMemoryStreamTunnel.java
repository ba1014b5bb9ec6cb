package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.sink.stream.RecordPack;
import io.github.mctunnel.flink.sink.stream.SentPack;
import io.github.mctunnel.flink.sink.stream.StreamTunnelConnection;
import io.github.mctunnel.flink.sink.stream.StreamTunnelConnectionFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stream tunnel double: keeps every acknowledged record in memory, counts sessions, and fails
 * flushes on request. Registered under an id so that serialized sinks on a MiniCluster find it.
 */
final class InMemoryStreamTunnel {

    private static final Map<String, InMemoryStreamTunnel> REGISTRY = new ConcurrentHashMap<>();

    /** One acknowledged record. */
    record Row(PartitionSpec partition, List<Object> values) {}

    final String id = UUID.randomUUID().toString();
    final TableSchema schema;
    final List<Row> acknowledged = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> flushSizes = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger openPacks = new AtomicInteger();
    final AtomicInteger releasedPacks = new AtomicInteger();
    final AtomicInteger failNextFlushes = new AtomicInteger();
    final AtomicInteger closedConnections = new AtomicInteger();
    final List<PartitionSpec> released = Collections.synchronizedList(new ArrayList<>());
    final List<PartitionSpec> flushedPartitions = Collections.synchronizedList(new ArrayList<>());

    /** What every acknowledged flush reports as its retries and back-off, as if throttled. */
    volatile int retriesPerFlush;

    volatile long backoffPerFlush;

    InMemoryStreamTunnel(TableSchema schema) {
        this.schema = schema;
        REGISTRY.put(id, this);
    }

    StreamTunnelConnectionFactory factory() {
        String key = id;
        return () -> REGISTRY.get(key).connect();
    }

    StreamTunnelConnection connect() {
        return new StreamTunnelConnection() {
            @Override
            public TableSchema schema() {
                return schema;
            }

            @Override
            public RecordPack openPack(PartitionSpec partition) {
                openPacks.incrementAndGet();
                return new Pack(partition);
            }

            @Override
            public void releasePack(RecordPack pack) {
                releasedPacks.incrementAndGet();
                released.add(((Pack) pack).partition);
            }

            @Override
            public int openSessions() {
                return openPacks.get() - releasedPacks.get();
            }

            @Override
            public void close() {
                closedConnections.incrementAndGet();
            }
        };
    }

    List<List<Object>> rowsOf(PartitionSpec partition) {
        List<List<Object>> rows = new ArrayList<>();
        synchronized (acknowledged) {
            for (Row r : acknowledged) {
                if (r.partition().equals(partition)) {
                    rows.add(r.values());
                }
            }
        }
        return rows;
    }

    private final class Pack implements RecordPack {
        private final PartitionSpec partition;
        private final List<List<Object>> buffered = new ArrayList<>();
        private long bytes;

        Pack(PartitionSpec partition) {
            this.partition = partition;
        }

        @Override
        public void append(StagedRecord record) {
            // The writer reuses its record: keep the values, as an encoder would.
            Object[] values = new Object[schema.columnCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = record.value(i);
            }
            buffered.add(Arrays.asList(values));
            bytes += 16L * values.length;
        }

        @Override
        public long bufferedBytes() {
            return bytes;
        }

        @Override
        public String sessionId() {
            return "mem-" + partition;
        }

        @Override
        public long bufferedRecords() {
            return buffered.size();
        }

        @Override
        public SentPack flush() throws IOException {
            if (buffered.isEmpty()) {
                return SentPack.NOTHING;
            }
            if (failNextFlushes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("injected flush failure");
            }
            flushSizes.add(buffered.size());
            flushedPartitions.add(partition);
            for (List<Object> v : buffered) {
                acknowledged.add(new Row(partition, v));
            }
            SentPack sent =
                    new SentPack(
                            buffered.size(),
                            bytes / 2,
                            retriesPerFlush,
                            backoffPerFlush,
                            "req-" + flushSizes.size());
            buffered.clear();
            bytes = 0;
            return sent;
        }
    }
}
