package io.github.mctunnel.client.sql;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;

import java.util.Map;

/**
 * Quoting for the SQL text the project writes (partition DDL, catalog DDL): every name and every
 * string value goes through here, so no value can end its literal early. String literals are
 * single-quoted with {@code \} and {@code '} escaped by a backslash, as MaxCompute SQL reads them
 * (so {@code a\'b} becomes {@code 'a\\\'b'}); names are backticked with an inner backtick doubled.
 */
public final class SqlLiterals {

    private SqlLiterals() {}

    /** A single-quoted string literal: {@code it's} becomes {@code 'it\'s'}. */
    public static String string(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '\'') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('\'').toString();
    }

    /** A backticked name: {@code we`ird} becomes {@code `we``ird`}. */
    public static String identifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** {@code `project`.`table`} or {@code `project`.`schema`.`table`}. */
    public static String tableName(TableIdentifier table) {
        return table.schema() == null
                ? identifier(table.project()) + "." + identifier(table.table())
                : identifier(table.project())
                        + "."
                        + identifier(table.schema())
                        + "."
                        + identifier(table.table());
    }

    /** The inside of {@code PARTITION (..)}: {@code `ds`='20240101',`hh`='08'}. */
    public static String partitionSpec(PartitionSpec partition) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : partition.values().entrySet()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(identifier(e.getKey())).append('=').append(string(e.getValue()));
        }
        return sb.toString();
    }
}
