package io.github.mctunnel.flink.table.catalog;

import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.table.ConnectionSettings;
import io.github.mctunnel.flink.table.MaxComputeDynamicTableFactory;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.factories.CatalogFactory;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ENDPOINT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.PROJECT;
import static io.github.mctunnel.flink.table.catalog.MaxComputeCatalogOptions.PROJECTS;

/**
 * Creates the MaxCompute catalog: {@code CREATE CATALOG mc WITH ('type' = 'maxcompute', 'endpoint'
 * = '..', 'project' = '..', 'access-id' = '..', 'access-key-secret' = '..')}. Databases are
 * projects ({@code project} is the default one, {@code projects} adds more). The catalog takes the
 * connection options of the {@code maxcompute} tables, checked the same way (credentials from an
 * AccessKey or a {@code credentials-provider.class}, {@code retry.max-duration}, {@code
 * connect.timeout}, {@code socket.timeout}, {@code quota-name}), and hands them on to its tables.
 */
public final class MaxComputeCatalogFactory implements CatalogFactory {

    public static final String IDENTIFIER = MaxComputeDynamicTableFactory.IDENTIFIER;

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>();
        options.add(ENDPOINT);
        options.add(PROJECT);
        return options;
    }

    /**
     * The connection options of the {@code maxcompute} tables (credentials as an AccessKey, with an
     * STS token, or from {@code credentials-provider.class}; retries and timeouts; quota) and
     * {@code projects}.
     */
    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>();
        for (ConfigOption<?> o : ConnectionSettings.connectionOptionsWithoutProject()) {
            if (o != ENDPOINT) {
                options.add(o);
            }
        }
        options.add(PROJECTS);
        return options;
    }

    @Override
    public Catalog createCatalog(Context context) {
        FactoryUtil.CatalogFactoryHelper helper =
                FactoryUtil.createCatalogFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        String project = nonBlank(options, PROJECT).trim();
        nonBlank(options, ENDPOINT);
        List<String> projects = new ArrayList<>();
        projects.add(project);
        for (String p : options.getOptional(PROJECTS).orElse(List.of())) {
            if (!p.isBlank() && !projects.contains(p.trim())) {
                projects.add(p.trim());
            }
        }
        TunnelConnectionOptions connection;
        try {
            connection = ConnectionSettings.connection(options, context.getClassLoader());
        } catch (ValidationException e) {
            throw new ValidationException(
                    "Invalid options of MaxCompute catalog "
                            + context.getName()
                            + ": "
                            + e.getMessage(),
                    e);
        }
        return new MaxComputeCatalog(
                context.getName(), connection, projects, tableConnectionOptions(context));
    }

    /**
     * The connection options as given to the catalog (the fallback key {@code access-key} under
     * {@code access-key-secret}), handed on to every table of the catalog.
     */
    private static Map<String, String> tableConnectionOptions(Context context) {
        Map<String, String> given = context.getOptions();
        Map<String, String> out = new LinkedHashMap<>();
        for (ConfigOption<?> o : ConnectionSettings.connectionOptionsWithoutProject()) {
            String value = given.get(o.key());
            if (value == null) {
                for (FallbackKey k : o.fallbackKeys()) {
                    value = given.get(k.getKey());
                    if (value != null) {
                        break;
                    }
                }
            }
            if (value != null) {
                out.put(o.key(), value);
            }
        }
        return out;
    }

    private static String nonBlank(ReadableConfig options, ConfigOption<String> option) {
        String value = options.get(option);
        if (value == null || value.isBlank()) {
            throw new ValidationException(
                    "Option '" + option.key() + "' of the MaxCompute catalog must not be blank");
        }
        return value;
    }
}
