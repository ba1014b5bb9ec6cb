package io.github.mctunnel.sql;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * A Flink SQL job that uses only Flink's API: run by {@link SqlJarOnFlinkClasspathITCase} in a JVM
 * whose classpath holds Flink's jars and the SQL jar, as a Flink installation with the jar in
 * {@code lib/} would. Writes two rows with {@code 'connector' = 'maxcompute'} and prints what it
 * reads back, one {@code ROW|id|name|ds} line per row.
 *
 * <p>Arguments: ODPS endpoint, project, access id, access key secret.
 */
public final class SqlJobMain {

    private SqlJobMain() {}

    public static void main(String[] args) throws Exception {
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        tEnv.getConfig().set("parallelism.default", "1");
        tEnv.executeSql(
                "CREATE TABLE events (id BIGINT, name STRING, ds STRING) PARTITIONED BY (ds) WITH ("
                        + "'connector' = 'maxcompute', 'endpoint' = '"
                        + args[0]
                        + "', 'project' = '"
                        + args[1]
                        + "', 'table' = 'events', 'access-id' = '"
                        + args[2]
                        + "', 'access-key-secret' = '"
                        + args[3]
                        + "')"); // default compression: LZ4
        tEnv.executeSql(
                        "INSERT INTO events VALUES (1, 'caf\u00e9', '20261122'),"
                                + " (2, 'tea', '20261123')")
                .await();
        try (CloseableIterator<Row> it =
                tEnv.executeSql("SELECT id, name, ds FROM events").collect()) {
            while (it.hasNext()) {
                Row r = it.next();
                System.out.println(
                        "ROW|" + r.getField(0) + "|" + r.getField(1) + "|" + r.getField(2));
            }
        }
    }
}
