package io.github.mctunnel.client.endpoint;

import io.github.mctunnel.client.schema.TableIdentifier;

/**
 * Decoded resource paths of the services (protocol spec 4.3). The transport encodes them. Tunnel
 * paths carry the schema (namespace) in the path; meta paths pass it as {@code curr_schema}.
 */
public final class ResourcePaths {

    private ResourcePaths() {}

    /** {@code /projects/p/tables/t} or {@code /projects/p/schemas/s/tables/t}. */
    public static String tunnelTable(TableIdentifier table) {
        return table.schema() == null
                ? "/projects/" + table.project() + "/tables/" + table.table()
                : "/projects/"
                        + table.project()
                        + "/schemas/"
                        + table.schema()
                        + "/tables/"
                        + table.table();
    }

    /** Stream upload path: table path + {@code /streams}. */
    public static String tunnelStreams(TableIdentifier table) {
        return tunnelTable(table) + "/streams";
    }

    /** Upsert path: table path + {@code /upserts}. */
    public static String tunnelUpserts(TableIdentifier table) {
        return tunnelTable(table) + "/upserts";
    }

    /** Meta table path {@code /projects/p/tables/t} (schema goes in {@code curr_schema}). */
    public static String metaTable(TableIdentifier table) {
        return "/projects/" + table.project() + "/tables/" + table.table();
    }

    /** {@code /projects/p/tunnel}: tunnel endpoint discovery. */
    public static String tunnelDiscovery(String project) {
        return "/projects/" + project + "/tunnel";
    }

    /** {@code /projects/p/instances}: SQL instances. */
    public static String instances(String project) {
        return "/projects/" + project + "/instances";
    }
}
