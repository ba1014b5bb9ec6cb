package io.github.mctunnel.flink.table.catalog;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableException;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.exceptions.TableNotExistException;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The MaxCompute catalog against the embedded emulator: browsing (databases, tables, partitions),
 * table schemas with partition and primary keys, INSERT and SELECT through the catalog without DDL,
 * and tables and partitions created and dropped through SQL instances.
 */
class MaxComputeCatalogITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static TunnelEmulator emulator;
    private static String project;

    @BeforeAll
    static void start() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
        project = emulator.defaultProject();
        emulator.executeSql(
                "CREATE TABLE users (id BIGINT, name STRING COMMENT 'the name')"
                        + " PARTITIONED BY (ds STRING)");
        emulator.executeSql("ALTER TABLE users ADD PARTITION (ds='20261121')");
        emulator.executeSql("ALTER TABLE users ADD PARTITION (ds='20261122')");
        emulator.executeSql(
                "CREATE TABLE kv (k BIGINT NOT NULL, v STRING, PRIMARY KEY (k))"
                        + " TBLPROPERTIES (\"transactional\"=\"true\")");
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static TableEnvironment env() {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig().set("parallelism.default", "2");
        env.executeSql(
                "CREATE CATALOG mc WITH ('type' = 'maxcompute', 'endpoint' = '"
                        + emulator.odpsEndpoint()
                        + "', 'tunnel.endpoint' = '"
                        + emulator.tunnelEndpoint()
                        + "', 'project' = '"
                        + project
                        + "', 'access-id' = 'ak', 'access-key-secret' = 'sk')");
        return env;
    }

    private static List<String> collect(TableEnvironment env, String query) throws Exception {
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(query).collect()) {
            it.forEachRemaining(r -> rows.add(r.toString()));
        }
        return rows;
    }

    @Test
    void browsesProjectsTablesAndPartitions() throws Exception {
        TableEnvironment env = env();
        env.useCatalog("mc");
        assertThat(collect(env, "SHOW DATABASES")).containsExactly("+I[" + project + "]");
        assertThat(env.getCurrentDatabase()).isEqualTo(project);
        assertThat(collect(env, "SHOW TABLES")).contains("+I[users]", "+I[kv]");
        assertThat(collect(env, "SHOW PARTITIONS users"))
                .containsExactlyInAnyOrder("+I[ds=20261121]", "+I[ds=20261122]");
    }

    @Test
    void tableSchemaHasColumnsPartitionKeysAndPrimaryKey() throws Exception {
        TableEnvironment env = env();
        Catalog catalog = env.getCatalog("mc").orElseThrow();
        CatalogTable users = (CatalogTable) catalog.getTable(new ObjectPath(project, "users"));
        assertThat(users.getUnresolvedSchema().getColumns())
                .extracting(c -> c.getName())
                .containsExactly("id", "name", "ds");
        assertThat(users.getPartitionKeys()).containsExactly("ds");
        assertThat(users.getUnresolvedSchema().getPrimaryKey()).isEmpty();
        assertThat(
                        env.from("mc.`" + project + "`.users")
                                .getResolvedSchema()
                                .toPhysicalRowDataType())
                .isEqualTo(
                        DataTypes.ROW(
                                        DataTypes.FIELD("id", DataTypes.BIGINT()),
                                        DataTypes.FIELD("name", DataTypes.STRING()),
                                        DataTypes.FIELD("ds", DataTypes.STRING()))
                                .notNull());

        CatalogTable kv = (CatalogTable) catalog.getTable(new ObjectPath(project, "kv"));
        assertThat(kv.getUnresolvedSchema().getPrimaryKey().orElseThrow().getColumnNames())
                .containsExactly("k");
        assertThat(env.from("mc.`" + project + "`.kv").getResolvedSchema().toPhysicalRowDataType())
                .isEqualTo(
                        DataTypes.ROW(
                                        DataTypes.FIELD("k", DataTypes.BIGINT().notNull()),
                                        DataTypes.FIELD("v", DataTypes.STRING()))
                                .notNull());

        assertThatThrownBy(() -> catalog.getTable(new ObjectPath(project, "missing")))
                .isInstanceOf(TableNotExistException.class)
                .hasMessage(
                        "Table (or view) " + project + ".missing does not exist in Catalog mc.");
        assertThat(catalog.tableExists(new ObjectPath(project, "missing"))).isFalse();
        assertThat(catalog.tableExists(new ObjectPath("other_project", "users"))).isFalse();
    }

    @Test
    void insertAndSelectThroughTheCatalogWithoutDdl() throws Exception {
        TableEnvironment env = env();
        emulator.executeSql(
                "CREATE TABLE visits (id BIGINT, page STRING) PARTITIONED BY (ds STRING)");
        emulator.executeSql("ALTER TABLE visits ADD PARTITION (ds='1')");
        String table = "mc.`" + project + "`.visits";
        env.executeSql(
                        "INSERT INTO "
                                + table
                                + " PARTITION (ds = '1') VALUES (CAST(1 AS BIGINT), 'a'),"
                                + " (CAST(2 AS BIGINT), 'b')")
                .await();
        assertThat(
                        emulator.committedRows(
                                TableIdentifier.of(project, "visits"), PartitionSpec.parse("ds=1")))
                .hasSize(2);
        assertThat(collect(env, "SELECT * FROM " + table))
                .containsExactlyInAnyOrder("+I[1, a, 1]", "+I[2, b, 1]");
        assertThat(collect(env, "SELECT page FROM " + table + " WHERE id = 2"))
                .containsExactly("+I[b]");
    }

    /** Serves the emulator's AccessKey, as a vault-backed provider would. */
    public static final class EmulatorCredentials
            implements io.github.mctunnel.flink.config.CredentialsProviderFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public io.github.mctunnel.client.auth.CredentialsProvider createProvider() {
            return new io.github.mctunnel.client.auth.StaticCredentialsProvider(
                    io.github.mctunnel.client.auth.Credentials.of("ak", "sk"));
        }
    }

    /**
     * A catalog with credentials from a {@code credentials-provider.class} and its own retry and
     * timeout options browses and reads through its tables, which carry those options (and no
     * AccessKey).
     */
    @Test
    void credentialsProviderAndRetryOptions() throws Exception {
        emulator.executeSql("CREATE TABLE provided (id BIGINT, v STRING)");
        io.github.mctunnel.flink.table.EmulatorRows.write(
                emulator, "provided", "", List.of(new Object[] {1L, "x"}, new Object[] {2L, "y"}));
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig().set("parallelism.default", "1");
        env.executeSql(
                "CREATE CATALOG mcp WITH ('type' = 'maxcompute', 'endpoint' = '"
                        + emulator.odpsEndpoint()
                        + "', 'tunnel.endpoint' = '"
                        + emulator.tunnelEndpoint()
                        + "', 'project' = '"
                        + project
                        + "', 'credentials-provider.class' = '"
                        + EmulatorCredentials.class.getName()
                        + "', 'retry.max-duration' = '0 s', 'connect.timeout' = '5 s',"
                        + " 'socket.timeout' = '30 s')");
        env.useCatalog("mcp");
        assertThat(collect(env, "SHOW TABLES")).contains("+I[provided]", "+I[users]");
        assertThat(collect(env, "SELECT v FROM provided WHERE id = 2")).containsExactly("+I[y]");
        CatalogTable provided =
                (CatalogTable)
                        env.getCatalog("mcp")
                                .orElseThrow()
                                .getTable(new ObjectPath(project, "provided"));
        assertThat(provided.getOptions())
                .containsEntry("credentials-provider.class", EmulatorCredentials.class.getName())
                .containsEntry("retry.max-duration", "0 s")
                .doesNotContainKeys("access-id", "access-key-secret");
    }

    @Test
    void createsAndDropsTablesAndPartitions() throws Exception {
        TableEnvironment env = env();
        env.useCatalog("mc");
        env.executeSql(
                        "CREATE TABLE created (id BIGINT NOT NULL, amount DECIMAL(10, 2),"
                                + " tags ARRAY<STRING>, ds STRING) PARTITIONED BY (ds)")
                .await();
        assertThat(collect(env, "SHOW TABLES")).contains("+I[created]");
        Catalog catalog = env.getCatalog("mc").orElseThrow();
        CatalogTable created = (CatalogTable) catalog.getTable(new ObjectPath(project, "created"));
        assertThat(created.getPartitionKeys()).containsExactly("ds");
        assertThat(env.from("created").getResolvedSchema().toPhysicalRowDataType())
                .isEqualTo(
                        DataTypes.ROW(
                                        DataTypes.FIELD("id", DataTypes.BIGINT().notNull()),
                                        DataTypes.FIELD("amount", DataTypes.DECIMAL(10, 2)),
                                        DataTypes.FIELD(
                                                "tags", DataTypes.ARRAY(DataTypes.STRING())),
                                        DataTypes.FIELD("ds", DataTypes.STRING()))
                                .notNull());

        env.executeSql("ALTER TABLE created ADD PARTITION (ds = '20261122')").await();
        assertThat(collect(env, "SHOW PARTITIONS created")).containsExactly("+I[ds=20261122]");
        env.executeSql("ALTER TABLE created DROP PARTITION (ds = '20261122')").await();
        assertThat(collect(env, "SHOW PARTITIONS created")).isEmpty();

        env.executeSql("DROP TABLE created").await();
        assertThat(catalog.tableExists(new ObjectPath(project, "created"))).isFalse();
        assertThatThrownBy(() -> env.executeSql("DROP TABLE created"))
                .hasMessageContaining(
                        "Table with identifier 'mc." + project + ".created' does not exist");
    }

    @Test
    void refusesWhatMaxComputeCannotStoreAndOtherConnectors() {
        TableEnvironment env = env();
        env.useCatalog("mc");
        assertThatThrownBy(
                        () -> env.executeSql("CREATE TABLE bad (ts TIMESTAMP(3)," + " c AS ts) "))
                .cause()
                .hasMessage(
                        "Cannot create MaxCompute table "
                                + project
                                + ".bad: Column c is computed or metadata; MaxCompute tables have"
                                + " physical columns only");
        assertThatThrownBy(
                        () ->
                                env.executeSql(
                                        "CREATE TABLE gen (id BIGINT) WITH ('connector' ="
                                                + " 'datagen')"))
                .isInstanceOf(TableException.class)
                .rootCause()
                .hasMessage(
                        "MaxCompute catalog mc creates MaxCompute tables only; table "
                                + project
                                + ".gen has 'connector' = 'datagen' (create it in another"
                                + " catalog)");
        assertThatThrownBy(() -> env.executeSql("CREATE DATABASE other"))
                .rootCause()
                .hasMessage(
                        "MaxCompute catalog mc does not support CREATE DATABASE (MaxCompute"
                                + " projects are created in the console)");
    }
}
