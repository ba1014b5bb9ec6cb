package io.github.mctunnel.flink.table.catalog;

import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.table.MaxComputeDynamicTableFactory;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.factories.CatalogFactory;
import org.apache.flink.table.factories.FactoryUtil;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ACCESS_ID;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ACCESS_KEY_SECRET;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ENDPOINT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.PROJECT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.QUOTA_NAME;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.STS_TOKEN;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.TUNNEL_ENDPOINT;
import static io.github.mctunnel.flink.table.catalog.MaxComputeCatalogOptions.PROJECTS;

/**
 * Creates the MaxCompute catalog: {@code CREATE CATALOG mc WITH ('type' = 'maxcompute', 'endpoint'
 * = '..', 'project' = '..', 'access-id' = '..', 'access-key-secret' = '..')}. Databases are
 * projects ({@code project} is the default one, {@code projects} adds more).
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
        options.add(ACCESS_ID);
        options.add(ACCESS_KEY_SECRET);
        return options;
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>();
        options.add(TUNNEL_ENDPOINT);
        options.add(STS_TOKEN);
        options.add(QUOTA_NAME);
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
        List<String> projects = new ArrayList<>();
        projects.add(project);
        for (String p : options.getOptional(PROJECTS).orElse(List.of())) {
            if (!p.isBlank() && !projects.contains(p.trim())) {
                projects.add(p.trim());
            }
        }
        TunnelConnectionOptions connection;
        try {
            connection =
                    TunnelConnectionOptions.builder()
                            .endpoint(nonBlank(options, ENDPOINT))
                            .tunnelEndpoint(options.getOptional(TUNNEL_ENDPOINT).orElse(null))
                            .project(project)
                            .accessKey(
                                    nonBlank(options, ACCESS_ID),
                                    nonBlank(options, ACCESS_KEY_SECRET))
                            .securityToken(options.getOptional(STS_TOKEN).orElse(null))
                            .quotaName(options.getOptional(QUOTA_NAME).orElse(null))
                            .build();
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "Invalid options of MaxCompute catalog "
                            + context.getName()
                            + ": "
                            + e.getMessage());
        }
        return new MaxComputeCatalog(context.getName(), connection, projects);
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
