package io.github.mctunnel.flink.table.catalog;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.ObjectPath;
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

/**
 * The catalog's AccessKey secret never becomes a table option, so Flink cannot print it ({@code
 * SHOW CREATE TABLE}, {@code DESCRIBE CATALOG EXTENDED}); the catalog's tables still reach their
 * credentials through the catalog's table factory and read and write as before.
 */
class MaxComputeCatalogSecretsITCase {

    private static final String SECRET = "catalog-secret-7f3a9c";

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private static TunnelEmulator emulator;
    private static String project;

    @BeforeAll
    static void start() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", SECRET).build().start();
        project = emulator.defaultProject();
        emulator.executeSql(
                "CREATE TABLE visits (id BIGINT, page STRING) PARTITIONED BY (ds STRING)");
        emulator.executeSql("ALTER TABLE visits ADD PARTITION (ds='1')");
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static TableEnvironment env(String secretKey) {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig().set("parallelism.default", "1");
        env.executeSql(
                "CREATE CATALOG mc WITH ('type' = 'maxcompute', 'endpoint' = '"
                        + emulator.odpsEndpoint()
                        + "', 'tunnel.endpoint' = '"
                        + emulator.tunnelEndpoint()
                        + "', 'project' = '"
                        + project
                        + "', 'access-id' = 'ak', '"
                        + secretKey
                        + "' = '"
                        + SECRET
                        + "')");
        return env;
    }

    private static String text(TableEnvironment env, String statement) throws Exception {
        List<String> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(statement).collect()) {
            it.forEachRemaining(r -> rows.add(r.toString()));
        }
        return String.join("\n", rows);
    }

    @Test
    void catalogTablesCarryNoSecret() throws Exception {
        TableEnvironment env = env("access-key-secret");
        CatalogTable visits =
                (CatalogTable)
                        env.getCatalog("mc")
                                .orElseThrow()
                                .getTable(new ObjectPath(project, "visits"));
        assertThat(visits.getOptions())
                .containsEntry("access-id", "ak")
                .doesNotContainKeys("access-key-secret", "access-key", "sts-token")
                .doesNotContainValue(SECRET);
    }

    @Test
    void showCreateTablePrintsNoSecret() throws Exception {
        for (String key : List.of("access-key-secret", "access-key")) {
            TableEnvironment env = env(key);
            String showCreate = text(env, "SHOW CREATE TABLE mc.`" + project + "`.visits");
            assertThat(showCreate).contains("'access-id' = 'ak'").doesNotContain(SECRET);
        }
    }

    /** Serves the emulator's AccessKey from outside the catalog's options (e.g. a vault). */
    public static final class VaultCredentials
            implements io.github.mctunnel.flink.config.CredentialsProviderFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public io.github.mctunnel.client.auth.CredentialsProvider createProvider() {
            return new io.github.mctunnel.client.auth.StaticCredentialsProvider(
                    io.github.mctunnel.client.auth.Credentials.of("ak", SECRET));
        }
    }

    /**
     * Flink prints a catalog's own options unmasked in {@code DESCRIBE CATALOG EXTENDED} (whatever
     * the key), so a catalog keeps its secret out of its options with {@code
     * credentials-provider.class}; its tables still read.
     */
    @Test
    void describeCatalogPrintsNoSecretWithACredentialsProvider() throws Exception {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig().set("parallelism.default", "1");
        env.executeSql(
                "CREATE CATALOG mcv WITH ('type' = 'maxcompute', 'endpoint' = '"
                        + emulator.odpsEndpoint()
                        + "', 'tunnel.endpoint' = '"
                        + emulator.tunnelEndpoint()
                        + "', 'project' = '"
                        + project
                        + "', 'credentials-provider.class' = '"
                        + VaultCredentials.class.getName()
                        + "')");
        String describe = text(env, "DESCRIBE CATALOG EXTENDED mcv");
        assertThat(describe).contains("maxcompute").doesNotContain(SECRET);
        assertThat(text(env, "SHOW CREATE TABLE mcv.`" + project + "`.visits"))
                .doesNotContain(SECRET);
        assertThat(text(env, "SELECT COUNT(*) FROM mcv.`" + project + "`.visits"))
                .startsWith("+I[");
    }

    @Test
    void tablesOfTheCatalogStillReadAndWrite() throws Exception {
        TableEnvironment env = env("access-key-secret");
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
        assertThat(text(env, "SELECT id, page FROM " + table + " ORDER BY id"))
                .isEqualTo("+I[1, a]\n+I[2, b]");
    }
}
