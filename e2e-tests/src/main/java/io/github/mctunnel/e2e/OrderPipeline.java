package io.github.mctunnel.e2e;

import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The quickstart's Flink SQL: a generated stream of orders, written exactly-once into a partitioned
 * MaxCompute table and aggregated per customer into a Delta table (upserts); the same tables read
 * back through the connector's source.
 */
final class OrderPipeline {

    /** The regions of the orders, one partition each. */
    static final int REGIONS = 3;

    private static final Instant FIRST_ORDER = Instant.parse("2026-11-22T08:00:00Z");

    private final DemoTables tables;
    private final QuickstartSettings settings;

    OrderPipeline(DemoTables tables, QuickstartSettings settings) {
        this.tables = tables;
        this.settings = settings;
    }

    /**
     * Registers the generated orders as the view {@code generated_orders}: {@code rows} orders with
     * ids 1..rows, a customer, an amount, an order time 100 ms apart and a region, at {@code
     * rowsPerSecond} (a bounded stream).
     */
    void registerGeneratedOrders(TableEnvironment env, int rowsPerSecond) {
        env.getConfig().setLocalTimeZone(ZoneOffset.UTC);
        env.executeSql(
                "CREATE TEMPORARY TABLE order_ids (order_id BIGINT) WITH ("
                        + " 'connector' = 'datagen',"
                        + " 'fields.order_id.kind' = 'sequence',"
                        + " 'fields.order_id.start' = '1',"
                        + " 'fields.order_id.end' = '"
                        + settings.rows()
                        + "', 'number-of-rows' = '"
                        + settings.rows()
                        + "', 'rows-per-second' = '"
                        + rowsPerSecond
                        + "')");
        env.executeSql(
                "CREATE TEMPORARY VIEW generated_orders AS SELECT"
                        + " order_id,"
                        + " CAST(MOD(order_id * 104729, "
                        + settings.customers()
                        + ") + 1 AS BIGINT) AS customer_id,"
                        + " CAST(CAST(MOD(order_id * 7919, 100000) + 1 AS DECIMAL(18, 2)) / 100"
                        + " AS DECIMAL(18, 2)) AS amount,"
                        + " TO_TIMESTAMP_LTZ("
                        + FIRST_ORDER.toEpochMilli()
                        + " + order_id * 100, 3) AS order_time,"
                        + " DATE_FORMAT(TO_TIMESTAMP_LTZ("
                        + FIRST_ORDER.toEpochMilli()
                        + " + order_id * 100, 3), 'yyyyMMdd') AS ds,"
                        + " CASE MOD(order_id, "
                        + REGIONS
                        + ") WHEN 0 THEN 'cn-hangzhou' WHEN 1 THEN 'cn-shanghai'"
                        + " ELSE 'cn-beijing' END AS region"
                        + " FROM order_ids");
    }

    /**
     * Registers the two MaxCompute tables as the Flink tables {@code orders} and {@code
     * customer_totals}.
     */
    void registerMaxComputeTables(TableEnvironment env) {
        env.executeSql(
                "CREATE TEMPORARY TABLE orders ("
                        + " order_id BIGINT, customer_id BIGINT, amount DECIMAL(18, 2),"
                        + " order_time TIMESTAMP_LTZ(3), ds STRING, region STRING"
                        + ") PARTITIONED BY (ds, region)"
                        + tables.with(
                                tables.orders(),
                                "sink.delivery-guarantee",
                                "exactly-once",
                                // every checkpoint writes to the three regions' partitions
                                "sink.dynamic-partition.max",
                                String.valueOf(REGIONS)));
        env.executeSql(
                "CREATE TEMPORARY TABLE customer_totals ("
                        + " customer_id BIGINT, order_count BIGINT, total_amount DECIMAL(18, 2),"
                        + " PRIMARY KEY (customer_id) NOT ENFORCED"
                        + ")"
                        + tables.with(
                                tables.customerTotals(),
                                // one writer: one upsert session, so every commit (at most one a
                                // minute) carries all changes so far
                                "sink.parallelism",
                                "1",
                                "sink.upsert.commit-interval",
                                settings.upsertCommitInterval().toMillis() + " ms"));
    }

    /**
     * The streaming job: every order exactly once into {@code orders} (dynamic partitions by day
     * and region), and the running count and sum per customer as upserts into {@code
     * customer_totals}.
     */
    StatementSet writeJob(TableEnvironment env) {
        StatementSet set = env.createStatementSet();
        set.addInsertSql("INSERT INTO orders SELECT * FROM generated_orders");
        set.addInsertSql(
                "INSERT INTO customer_totals SELECT customer_id, COUNT(*),"
                        + " CAST(SUM(amount) AS DECIMAL(18, 2)) FROM generated_orders"
                        + " GROUP BY customer_id");
        return set;
    }

    /** Rows, distinct order ids and amount per partition of a table or view of orders. */
    static String perPartition(String ordersTable) {
        return "SELECT CONCAT('ds=', ds, ',region=', region), COUNT(*), COUNT(DISTINCT order_id),"
                + " SUM(amount) FROM "
                + ordersTable
                + " GROUP BY ds, region";
    }

    /** Order count and amount per customer of a table or view of orders. */
    static String perCustomer(String ordersTable) {
        return "SELECT customer_id, COUNT(*), CAST(SUM(amount) AS DECIMAL(18, 2)) FROM "
                + ordersTable
                + " GROUP BY customer_id";
    }

    static final String CUSTOMER_TOTALS =
            "SELECT customer_id, order_count, total_amount FROM customer_totals";
}
