package io.github.mctunnel.e2e;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.sql.SqlLiterals;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import java.io.IOException;

/**
 * The quickstart's two MaxCompute tables: {@code orders} (partitioned by day and region) and {@code
 * customer_totals} (a Delta table: transactional, primary key), created with SQL DDL through the
 * service's instance API, and the connector options that point Flink tables at them.
 *
 * @param orders the partitioned table's name
 * @param customerTotals the Delta table's name
 * @param connection where the tables live (with credentials: never printed)
 */
record DemoTables(String orders, String customerTotals, TunnelConnectionOptions connection) {

    /** Buckets of the Delta table. */
    static final int BUCKETS = 4;

    /**
     * The tables of a run; a suffix keeps runs against a real project from touching each other's
     * (or anybody's) tables.
     */
    static DemoTables of(TunnelConnectionOptions connection, String suffix) {
        return new DemoTables("qs_orders" + suffix, "qs_customer_totals" + suffix, connection);
    }

    /** Creates both tables; they expire after a few days on a real project (LIFECYCLE). */
    void create() throws IOException {
        try (TunnelClient client = connection.clientBuilder().build()) {
            run(
                    client,
                    "CREATE TABLE "
                            + SqlLiterals.identifier(orders)
                            + " (order_id BIGINT, customer_id BIGINT, amount DECIMAL(18,2),"
                            + " order_time DATETIME) PARTITIONED BY (ds STRING, region STRING)"
                            + " LIFECYCLE 3;");
            run(
                    client,
                    "CREATE TABLE "
                            + SqlLiterals.identifier(customerTotals)
                            + " (customer_id BIGINT NOT NULL, order_count BIGINT,"
                            + " total_amount DECIMAL(18,2), PRIMARY KEY (customer_id))"
                            + " TBLPROPERTIES ('transactional'='true', 'write.bucket.num'='"
                            + BUCKETS
                            + "') LIFECYCLE 3;");
        }
    }

    private void run(TunnelClient client, String ddl) throws TunnelException {
        client.meta().runSql(connection.project(), ddl, ErrorContext.of("create quickstart table"));
    }

    /** A WITH clause pointing a Flink table at one of the tables, plus extra options. */
    String with(String table, String... extra) {
        StringBuilder sb = new StringBuilder(" WITH ('connector' = 'maxcompute'");
        option(sb, "endpoint", connection.endpoint());
        if (connection.tunnelEndpoint() != null) {
            option(sb, "tunnel.endpoint", connection.tunnelEndpoint());
        }
        option(sb, "project", connection.project());
        option(sb, "table", table);
        option(sb, "access-id", connection.accessId());
        option(sb, "access-key-secret", connection.accessKeySecret());
        for (int i = 0; i < extra.length; i += 2) {
            option(sb, extra[i], extra[i + 1]);
        }
        return sb.append(')').toString();
    }

    private static void option(StringBuilder sb, String key, String value) {
        sb.append(", '").append(key).append("' = '").append(value.replace("'", "''")).append('\'');
    }
}
