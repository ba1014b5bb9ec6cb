package io.github.mctunnel.e2e.cluster;

import io.github.mctunnel.e2e.job.Order;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SQL job as users run it: statements sent to the SQL Gateway of a session cluster whose
 * classpath is Flink's jars plus the shaded {@code flink-sql-tunnel} jar (no job jar): {@code
 * CREATE TABLE ... WITH ('connector' = 'maxcompute')}, {@code INSERT INTO ... SELECT ... FROM
 * datagen} (exactly-once), then a {@code SELECT} back through the gateway.
 */
@ExtendWith(RealCluster.class)
class SqlGatewayITCase {

    private static final long ROWS = 3_000;

    @Test
    void sqlInsertFromDatagenAndSelectBackWithOnlyTheSqlJarOnTheCluster(RealCluster cluster)
            throws Exception {
        String table = "orders_sql";
        cluster.tables().create(table);
        SqlGatewaySession sql =
                SqlGatewaySession.open(
                        cluster.flink().startSqlGateway(),
                        Map.of(
                                "execution.runtime-mode", "streaming",
                                "execution.checkpointing.interval", "3 s",
                                "parallelism.default", "2"));

        sql.execute(
                "CREATE TABLE orders (order_id BIGINT, customer STRING, amount DECIMAL(12,2),"
                        + " ds STRING) PARTITIONED BY (ds) WITH ("
                        + "'connector' = 'maxcompute', "
                        + "'endpoint' = '"
                        + cluster.emulator().endpoint()
                        + "', 'project' = '"
                        + EmulatorProcess.PROJECT
                        + "', 'table' = '"
                        + table
                        + "', 'access-id' = '"
                        + EmulatorProcess.ACCESS_ID
                        + "', 'access-key-secret' = '"
                        + EmulatorProcess.ACCESS_KEY
                        + "', 'sink.delivery-guarantee' = 'exactly-once',"
                        + " 'sink.dynamic-partition.max' = '2')");
        sql.execute(
                "CREATE TEMPORARY TABLE ids (id BIGINT) WITH ('connector' = 'datagen',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '0',"
                        + " 'fields.id.end' = '"
                        + (ROWS - 1)
                        + "', 'rows-per-second' = '1000')");
        // the same rows as Order.of(id)
        List<JsonNode> insert =
                sql.execute(
                        "INSERT INTO orders SELECT id,"
                                + " 'customer-' || CAST(id % 53 AS STRING) || '-\u00e9\u4e2d',"
                                + " CAST(CAST(id * 7919 % 10000000 AS DECIMAL(14, 0)) / 100"
                                + " AS DECIMAL(12, 2)),"
                                + " CASE WHEN id % 2 = 0 THEN '"
                                + Order.DAYS[0]
                                + "' ELSE '"
                                + Order.DAYS[1]
                                + "' END"
                                + " FROM ids");
        assertThat(insert).hasSize(1);
        String jobId = insert.get(0).get(0).asText();
        DataStreamJobJarITCase.assertFinished(cluster, jobId);
        cluster.tables().assertHoldsExactlyOnce(table, ROWS);

        List<Order> selected =
                sql.execute("SELECT order_id, customer, amount, ds FROM orders").stream()
                        .map(
                                f ->
                                        new Order(
                                                f.get(0).asLong(),
                                                f.get(1).asText(),
                                                new BigDecimal(f.get(2).asText()).setScale(2),
                                                f.get(3).asText()))
                        .sorted(Comparator.comparingLong(o -> o.orderId))
                        .toList();
        assertThat(selected).isEqualTo(cluster.tables().read(table));
        assertThat(selected).hasSize((int) ROWS);
    }
}
