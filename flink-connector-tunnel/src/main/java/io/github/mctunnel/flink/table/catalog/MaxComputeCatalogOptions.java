package io.github.mctunnel.flink.table.catalog;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.util.List;

/**
 * Options of the MaxCompute catalog ({@code 'type' = 'maxcompute'}) beyond the connection options
 * it shares with the tables ({@code endpoint}, {@code tunnel.endpoint}, {@code project}, {@code
 * access-id}, {@code access-key-secret}, {@code sts-token}, {@code quota-name}).
 */
@PublicEvolving
public final class MaxComputeCatalogOptions {

    private MaxComputeCatalogOptions() {}

    /** Further projects shown as databases besides {@code project} (the default database). */
    public static final ConfigOption<List<String>> PROJECTS =
            ConfigOptions.key("projects")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "Further MaxCompute projects the catalog shows as databases, besides"
                                    + " 'project' (the default database), separated by ';'.");
}
