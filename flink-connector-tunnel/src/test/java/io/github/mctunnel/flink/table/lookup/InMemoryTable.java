package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.source.table.DownloadSessionInfo;
import io.github.mctunnel.flink.source.table.ReadMetrics;
import io.github.mctunnel.flink.source.table.RowRangeReader;
import io.github.mctunnel.flink.source.table.TableReadClient;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A table {@code (id BIGINT, name STRING) PARTITIONED BY (ds STRING)} in memory, served as a {@link
 * TableReadClientFactory}; counts sessions and remembers the ranges read and the threads that
 * connected. Failures can be scheduled: the next partition listings fail, or a download fails
 * (once) before a given row of a partition. Connections can be held at a gate to keep a load
 * running. Thread-safe, as lookups and reloads run on different threads.
 */
final class InMemoryTable implements TableReadClientFactory {

    private static final long serialVersionUID = 1L;

    final Map<String, List<Object[]>> partitions = new ConcurrentHashMap<>();
    final List<String> partitionOrder = new CopyOnWriteArrayList<>();
    final List<String> sessions = new CopyOnWriteArrayList<>();
    final List<String> ranges = new CopyOnWriteArrayList<>();
    final List<String> connectingThreads = new CopyOnWriteArrayList<>();
    final AtomicInteger openClients = new AtomicInteger();

    /** Failures of the next partition listings, in order. */
    final ConcurrentLinkedDeque<IOException> listingFailures = new ConcurrentLinkedDeque<>();

    /** A download failure to throw once before a row: partition to (row, failure). */
    final Map<String, Map.Entry<Long, IOException>> readFailures = new ConcurrentHashMap<>();

    /** Called at each session creation, when set. */
    transient volatile Runnable onSession;

    /** When set, connections wait here until it is opened (counted down). */
    volatile CountDownLatch gate;

    void put(String partition, Object[]... rows) {
        String spec = PartitionSpec.parse(partition).toString();
        if (!partitions.containsKey(spec)) {
            partitionOrder.add(spec);
        }
        partitions.put(spec, List.of(rows));
    }

    void failListing(IOException... failures) {
        listingFailures.addAll(List.of(failures));
    }

    void failReadBefore(String partition, long row, IOException failure) {
        readFailures.put(PartitionSpec.parse(partition).toString(), Map.entry(row, failure));
    }

    @Override
    public TableReadClient connect(ReadMetrics metrics) throws IOException {
        connectingThreads.add(Thread.currentThread().getName());
        CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted at the gate");
            }
        }
        openClients.incrementAndGet();
        return new TableReadClient() {
            @Override
            public TableSchema tableSchema() {
                return new TableSchema(
                        List.of(Column.of("id", "bigint"), Column.of("name", "string")),
                        List.of(Column.of("ds", "string")));
            }

            @Override
            public List<PartitionSpec> listPartitions() throws IOException {
                IOException failure = listingFailures.poll();
                if (failure != null) {
                    throw failure;
                }
                List<PartitionSpec> out = new ArrayList<>();
                for (String p : partitionOrder) {
                    out.add(PartitionSpec.parse(p));
                }
                return out;
            }

            @Override
            public DownloadSessionInfo createSession(PartitionSpec partition) {
                sessions.add(partition.toString());
                Runnable hook = onSession;
                if (hook != null) {
                    hook.run();
                }
                return new DownloadSessionInfo(
                        partition.toString(),
                        partition,
                        partitions.get(partition.toString()).size());
            }

            @Override
            public TableSchema sessionSchema(String sessionId, PartitionSpec partition) {
                return tableSchema();
            }

            @Override
            public RowRangeReader openRange(
                    String sessionId,
                    PartitionSpec partition,
                    long start,
                    long end,
                    List<String> columns) {
                ranges.add(sessionId + "[" + start + "," + end + ")" + columns);
                List<Object[]> rows = partitions.get(sessionId);
                return new RowRangeReader() {
                    long next = start;

                    @Override
                    public Object[] read() throws IOException {
                        if (next >= end) {
                            return null;
                        }
                        Map.Entry<Long, IOException> failure = readFailures.get(sessionId);
                        if (failure != null
                                && failure.getKey() == next
                                && readFailures.remove(sessionId, failure)) {
                            throw failure.getValue();
                        }
                        Object[] row = rows.get((int) next++);
                        Object[] out = new Object[columns.size()];
                        for (int i = 0; i < out.length; i++) {
                            out[i] = row[columns.get(i).equals("id") ? 0 : 1];
                        }
                        return out;
                    }

                    @Override
                    public void close() {}
                };
            }

            @Override
            public void close() {
                openClients.decrementAndGet();
            }
        };
    }
}
