package io.github.mctunnel.e2e.cluster;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.DownloadReader;
import io.github.mctunnel.client.session.DownloadSession;
import io.github.mctunnel.e2e.job.Order;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Orders tables ({@code (order_id BIGINT, customer STRING, amount DECIMAL(12,2)) PARTITIONED BY (ds
 * STRING)}) in the emulator process, created and read through the project's own client, as a test
 * outside Flink sees them.
 */
final class OrdersTables implements AutoCloseable {

    private final TunnelClient client;

    OrdersTables(String endpoint) {
        this.client =
                TunnelClient.builder()
                        .odpsEndpoint(endpoint)
                        .project(EmulatorProcess.PROJECT)
                        .credentialsProvider(
                                StaticCredentialsProvider.of(
                                        EmulatorProcess.ACCESS_ID, EmulatorProcess.ACCESS_KEY))
                        .build();
    }

    void create(String table) throws IOException {
        client.meta()
                .runSql(
                        EmulatorProcess.PROJECT,
                        "CREATE TABLE "
                                + table
                                + " (order_id BIGINT, customer STRING, amount DECIMAL(12,2))"
                                + " PARTITIONED BY (ds STRING);",
                        ErrorContext.of("create table " + table));
    }

    /** Runs DDL in the emulator's project. */
    void runSql(String sql) throws IOException {
        client.meta().runSql(EmulatorProcess.PROJECT, sql, ErrorContext.of(sql));
    }

    /** Every visible row of a table without partitions, as the service's download reads it. */
    List<Object[]> rows(String table) throws IOException {
        DownloadSession session =
                client.createDownloadSession(client.table(table), PartitionSpec.empty());
        List<Object[]> rows = new ArrayList<>();
        if (session.recordCount() == 0) {
            return rows;
        }
        try (DownloadReader reader =
                session.openReader(
                        0, session.recordCount(), null, Compression.LZ4, false, 100_000)) {
            Object[] row;
            while ((row = reader.read()) != null) {
                rows.add(row.clone());
            }
        }
        return rows;
    }

    /** Every committed row of every partition, ordered by order id (duplicates kept). */
    List<Order> read(String table) throws IOException {
        TableIdentifier id = client.table(table);
        List<Order> orders = new ArrayList<>();
        for (PartitionSpec partition : client.meta().listPartitions(id)) {
            DownloadSession session = client.createDownloadSession(id, partition);
            if (session.recordCount() == 0) {
                continue;
            }
            try (DownloadReader reader =
                    session.openReader(
                            0, session.recordCount(), null, Compression.LZ4, false, 100_000)) {
                Object[] row;
                while ((row = reader.read()) != null) {
                    orders.add(
                            new Order(
                                    (Long) row[0],
                                    (String) row[1],
                                    (BigDecimal) row[2],
                                    partition.get("ds")));
                }
            }
        }
        orders.sort(Comparator.comparingLong(o -> o.orderId));
        return orders;
    }

    /**
     * Asserts that the table holds exactly the orders {@code Order.of(0 .. count-1)}, each once,
     * compared row by row; a failure names the missing, duplicated and differing orders.
     */
    void assertHoldsExactlyOnce(String table, long count) throws IOException {
        List<Order> actual = read(table);
        Map<Long, Integer> seen = new HashMap<>();
        List<Order> wrong = new ArrayList<>();
        for (Order order : actual) {
            seen.merge(order.orderId, 1, Integer::sum);
            if (order.orderId < 0
                    || order.orderId >= count
                    || !order.equals(Order.of(order.orderId))) {
                wrong.add(order);
            }
        }
        List<Long> missing = new ArrayList<>();
        for (long id = 0; id < count; id++) {
            if (!seen.containsKey(id)) {
                missing.add(id);
            }
        }
        List<Long> duplicated =
                seen.entrySet().stream()
                        .filter(e -> e.getValue() > 1)
                        .map(Map.Entry::getKey)
                        .sorted()
                        .toList();
        assertThat(wrong).as("rows of %s that differ from what the job wrote", table).isEmpty();
        assertThat(missing).as("orders missing from %s", table).isEmpty();
        assertThat(duplicated).as("orders written more than once to %s", table).isEmpty();
        assertThat(actual).hasSize((int) count);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
