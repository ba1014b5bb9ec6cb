package io.github.mctunnel.flink.table.catalog;

import io.github.mctunnel.client.sql.SqlLiterals;
import io.github.mctunnel.flink.convert.TunnelTypeMapping;

import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;

import java.util.ArrayList;
import java.util.List;

/**
 * The MaxCompute {@code CREATE TABLE} statement for a Flink table: physical columns with their
 * MaxCompute types, partition keys under {@code PARTITIONED BY}, and a primary key as a Delta table
 * ({@code transactional}).
 */
final class MaxComputeTableDdl {

    private MaxComputeTableDdl() {}

    /**
     * @throws IllegalArgumentException naming the column whose type MaxCompute cannot store, or a
     *     computed or metadata column
     */
    static String createTable(
            String project,
            String table,
            ResolvedSchema schema,
            List<String> partitionKeys,
            String comment,
            boolean ifNotExists) {
        List<String> columns = new ArrayList<>();
        List<String> partitions = new ArrayList<>();
        for (String key : partitionKeys) {
            if (schema.getColumn(key).isEmpty()) {
                throw new IllegalArgumentException(
                        "Partition key " + key + " is not a column of the table");
            }
        }
        for (Column c : schema.getColumns()) {
            if (!c.isPhysical()) {
                throw new IllegalArgumentException(
                        "Column "
                                + c.getName()
                                + " is computed or metadata; MaxCompute tables have physical"
                                + " columns only");
            }
            String type;
            try {
                type = TunnelTypeMapping.toTunnelType(c.getDataType().getLogicalType()).toString();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Column " + c.getName() + ": " + e.getMessage(), e);
            }
            String definition = SqlLiterals.identifier(c.getName()) + " " + type;
            if (partitionKeys.contains(c.getName())) {
                partitions.add(definition);
            } else {
                columns.add(
                        definition
                                + (c.getDataType().getLogicalType().isNullable()
                                        ? ""
                                        : " NOT NULL"));
            }
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException(
                    "A MaxCompute table needs at least one column that is not a partition key");
        }
        StringBuilder sql =
                new StringBuilder("CREATE TABLE ")
                        .append(ifNotExists ? "IF NOT EXISTS " : "")
                        .append(SqlLiterals.identifier(project))
                        .append('.')
                        .append(SqlLiterals.identifier(table))
                        .append(" (")
                        .append(String.join(", ", columns));
        UniqueConstraint primaryKey = schema.getPrimaryKey().orElse(null);
        if (primaryKey != null) {
            List<String> keys = new ArrayList<>();
            for (String k : primaryKey.getColumns()) {
                keys.add(SqlLiterals.identifier(k));
            }
            sql.append(", PRIMARY KEY (").append(String.join(", ", keys)).append(')');
        }
        sql.append(')');
        if (comment != null && !comment.isEmpty()) {
            sql.append(" COMMENT ").append(SqlLiterals.string(comment));
        }
        if (!partitions.isEmpty()) {
            sql.append(" PARTITIONED BY (").append(String.join(", ", partitions)).append(')');
        }
        if (primaryKey != null) {
            sql.append(" TBLPROPERTIES (\"transactional\"=\"true\")");
        }
        return sql.append(';').toString();
    }

    static String dropTable(String project, String table, boolean ifExists) {
        return "DROP TABLE "
                + (ifExists ? "IF EXISTS " : "")
                + SqlLiterals.identifier(project)
                + "."
                + SqlLiterals.identifier(table)
                + ";";
    }
}
