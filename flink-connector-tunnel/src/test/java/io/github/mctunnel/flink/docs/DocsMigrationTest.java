package io.github.mctunnel.flink.docs;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.ValidationException;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The vendor DDL of docs/migrating-from-vvr.md (the {@code sql} block with {@code 'connector' =
 * 'odps'}), with only its connector changed to {@code maxcompute}, fails when a query is planned
 * with exactly the message the page shows (its {@code text} block), which never repeats an option's
 * value. The page's "after" DDL runs against the emulator in {@link DocsSqlSamplesITCase}.
 */
class DocsMigrationTest {

    private static final String PAGE = "migrating-from-vvr.md";

    @Test
    void vendorDdlFailsWithTheHintsThePageShows() {
        List<FencedBlock> blocks = FencedBlock.parse(PAGE, DocsPages.read(DocsPages.page(PAGE)));
        FencedBlock vendor =
                blocks.stream()
                        .filter(b -> b.language().equals("sql"))
                        .filter(b -> b.content().contains("'connector' = 'odps'"))
                        .findFirst()
                        .orElseThrow();
        assertThat(vendor.markerValue("sql")).isEqualTo("none");
        FencedBlock shown =
                blocks.stream().filter(b -> b.language().equals("text")).findFirst().orElseThrow();

        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        for (String statement :
                SqlStatements.split(
                        vendor.content()
                                .replace("'connector' = 'odps'", "'connector' = 'maxcompute'"))) {
            env.executeSql(statement);
        }
        assertThatThrownBy(() -> env.explainSql("SELECT * FROM users"))
                .isInstanceOf(ValidationException.class)
                .satisfies(
                        e -> {
                            assertThat(e.getMessage()).isEqualTo(shown.content().strip());
                            for (Throwable c = e; c != null; c = c.getCause()) {
                                assertThat(String.valueOf(c.getMessage()))
                                        .doesNotContain("secret_values", "3600000", "100000");
                            }
                        });
        for (String table : List.of("events", "events_incremental")) {
            assertThatThrownBy(() -> env.explainSql("SELECT * FROM " + table))
                    .as(table)
                    .hasMessageContaining("  Option 'tableName': use 'table' instead.")
                    .hasMessageNotContaining("secret_values");
        }
        assertThatThrownBy(
                        () ->
                                env.explainSql(
                                        "INSERT INTO events SELECT 1, 'a', 1.5, LOCALTIMESTAMP,"
                                                + " '20261122'"))
                .hasMessageContaining(
                        "  Option 'partition': it names partition keys without values")
                .hasMessageContaining("  Option 'useStreamTunnel': use 'sink.delivery-guarantee'")
                .hasMessageNotContaining("secret_values");
    }
}
