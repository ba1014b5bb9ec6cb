package io.github.mctunnel.flink.table.catalog;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MaxComputeTableDdlTest {

    @Test
    void partitionedTableWithEveryKindOfColumn() {
        ResolvedSchema schema =
                ResolvedSchema.of(
                        Column.physical("id", DataTypes.BIGINT().notNull()),
                        Column.physical("amount", DataTypes.DECIMAL(10, 2)),
                        Column.physical("tags", DataTypes.MAP(DataTypes.STRING(), DataTypes.INT())),
                        Column.physical("at", DataTypes.TIMESTAMP_LTZ(3)),
                        Column.physical("ds", DataTypes.STRING()));
        assertThat(MaxComputeTableDdl.createTable("p", "t", schema, List.of("ds"), "it's", true))
                .isEqualTo(
                        "CREATE TABLE IF NOT EXISTS `p`.`t` (`id` bigint NOT NULL, `amount`"
                                + " decimal(10,2), `tags` map<string,int>, `at` datetime)"
                                + " COMMENT 'it\\'s' PARTITIONED BY (`ds` string);");
    }

    @Test
    void primaryKeyMakesADeltaTable() {
        ResolvedSchema schema =
                new ResolvedSchema(
                        List.of(
                                Column.physical("k", DataTypes.BIGINT().notNull()),
                                Column.physical("v", DataTypes.STRING())),
                        List.of(),
                        UniqueConstraint.primaryKey("pk", List.of("k")),
                        List.of());
        assertThat(MaxComputeTableDdl.createTable("p", "kv", schema, List.of(), null, false))
                .isEqualTo(
                        "CREATE TABLE `p`.`kv` (`k` bigint NOT NULL, `v` string, PRIMARY KEY"
                                + " (`k`)) TBLPROPERTIES (\"transactional\"=\"true\");");
        assertThat(MaxComputeTableDdl.dropTable("p", "kv", true))
                .isEqualTo("DROP TABLE IF EXISTS `p`.`kv`;");
    }

    @Test
    void tablesMaxComputeCannotHoldAreRefused() {
        ResolvedSchema onlyKeys = ResolvedSchema.of(Column.physical("ds", DataTypes.STRING()));
        assertThatThrownBy(
                        () ->
                                MaxComputeTableDdl.createTable(
                                        "p", "t", onlyKeys, List.of("ds"), null, false))
                .hasMessage(
                        "A MaxCompute table needs at least one column that is not a partition"
                                + " key");
        ResolvedSchema raw =
                ResolvedSchema.of(Column.physical("r", DataTypes.MULTISET(DataTypes.INT())));
        assertThatThrownBy(
                        () -> MaxComputeTableDdl.createTable("p", "t", raw, List.of(), null, false))
                .hasMessageStartingWith("Column r: ");
    }
}
