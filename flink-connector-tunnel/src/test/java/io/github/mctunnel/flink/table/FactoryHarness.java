package io.github.mctunnel.flink.table;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Creates sources and sinks through Flink's factory discovery, as the planner does. */
final class FactoryHarness {

    static final ResolvedSchema SCHEMA =
            ResolvedSchema.of(
                    Column.physical("id", DataTypes.BIGINT()),
                    Column.physical("name", DataTypes.STRING()),
                    Column.physical("ds", DataTypes.STRING()));

    private FactoryHarness() {}

    /** The minimal valid options plus {@code extra} (a null value removes a key). */
    static Map<String, String> options(String... extra) {
        Map<String, String> options = new HashMap<>();
        options.put("connector", "maxcompute");
        options.put("endpoint", "http://127.0.0.1:1/api");
        options.put("project", "p");
        options.put("table", "t");
        options.put("access-id", "AKID");
        options.put("access-key-secret", "TOPSECRET");
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i + 1] == null) {
                options.remove(extra[i]);
            } else {
                options.put(extra[i], extra[i + 1]);
            }
        }
        return options;
    }

    static DynamicTableSink sink(Map<String, String> options) {
        return sink(SCHEMA, List.of(), options);
    }

    static DynamicTableSink sink(
            ResolvedSchema schema, List<String> partitionKeys, Map<String, String> options) {
        return FactoryUtil.createDynamicTableSink(
                null,
                ObjectIdentifier.of("default_catalog", "default_database", "t"),
                table(schema, partitionKeys, options),
                Map.of(),
                new Configuration(),
                FactoryHarness.class.getClassLoader(),
                false);
    }

    static DynamicTableSource source(Map<String, String> options) {
        return FactoryUtil.createDynamicTableSource(
                null,
                ObjectIdentifier.of("default_catalog", "default_database", "t"),
                table(SCHEMA, List.of(), options),
                Map.of(),
                new Configuration(),
                FactoryHarness.class.getClassLoader(),
                false);
    }

    static ResolvedSchema withPrimaryKey() {
        return new ResolvedSchema(
                List.of(
                        Column.physical("id", DataTypes.BIGINT().notNull()),
                        Column.physical("name", DataTypes.STRING())),
                List.of(),
                UniqueConstraint.primaryKey("pk", List.of("id")),
                List.of());
    }

    private static ResolvedCatalogTable table(
            ResolvedSchema schema, List<String> partitionKeys, Map<String, String> options) {
        CatalogTable table =
                CatalogTable.newBuilder()
                        .schema(Schema.newBuilder().fromResolvedSchema(schema).build())
                        .partitionKeys(partitionKeys)
                        .options(new HashMap<>(options))
                        .build();
        return new ResolvedCatalogTable(table, schema);
    }
}
