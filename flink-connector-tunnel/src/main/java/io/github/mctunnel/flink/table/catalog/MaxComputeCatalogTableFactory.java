package io.github.mctunnel.flink.table.catalog;

import io.github.mctunnel.flink.table.MaxComputeDynamicTableFactory;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The table factory of a {@link MaxComputeCatalog} ({@code Catalog.getFactory()}): the catalog's
 * tables carry no secret among their options (Flink prints options, e.g. in {@code SHOW CREATE
 * TABLE}), and this factory adds the catalog's secrets (AccessKey secret, STS token) to a table's
 * options only where the {@code maxcompute} table factory reads them, then delegates to it.
 */
final class MaxComputeCatalogTableFactory
        implements DynamicTableSourceFactory, DynamicTableSinkFactory {

    private final MaxComputeDynamicTableFactory delegate = new MaxComputeDynamicTableFactory();
    private final Map<String, String> secrets;

    /**
     * @param secrets the catalog's secret connection options, added to tables that do not set them
     */
    MaxComputeCatalogTableFactory(Map<String, String> secrets) {
        this.secrets = Map.copyOf(secrets);
    }

    /** The secret options this factory adds (for tests). */
    Map<String, String> secrets() {
        return secrets;
    }

    @Override
    public String factoryIdentifier() {
        return delegate.factoryIdentifier();
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return delegate.requiredOptions();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return delegate.optionalOptions();
    }

    @Override
    public Set<ConfigOption<?>> forwardOptions() {
        return delegate.forwardOptions();
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        return delegate.createDynamicTableSource(withSecrets(context));
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        return delegate.createDynamicTableSink(withSecrets(context));
    }

    private Context withSecrets(Context context) {
        if (secrets.isEmpty()) {
            return context;
        }
        ResolvedCatalogTable table = context.getCatalogTable();
        Map<String, String> options = new LinkedHashMap<>(table.getOptions());
        secrets.forEach(options::putIfAbsent);
        return new FactoryUtil.DefaultDynamicTableContext(
                context.getObjectIdentifier(),
                table.copy(options),
                context.getEnrichmentOptions(),
                context.getConfiguration(),
                context.getClassLoader(),
                context.isTemporary());
    }
}
