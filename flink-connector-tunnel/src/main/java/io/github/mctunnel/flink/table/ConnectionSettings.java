package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;

import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ACCESS_ID;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ACCESS_KEY_SECRET;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ENDPOINT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.PROJECT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.QUOTA_NAME;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCHEMA;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.STS_TOKEN;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.TABLE;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.TUNNEL_ENDPOINT;

/**
 * Reads the connection options (endpoints, project, credentials, quota) and the table name of a
 * {@code maxcompute} table. Messages name the option keys and never contain the secret or token.
 */
final class ConnectionSettings {

    private ConnectionSettings() {}

    /**
     * @throws ValidationException naming the missing, conflicting or invalid option
     */
    static TunnelConnectionOptions connection(ReadableConfig options) {
        String accessId = options.getOptional(ACCESS_ID).orElse(null);
        String secret = options.getOptional(ACCESS_KEY_SECRET).orElse(null);
        if (isBlank(accessId) || isBlank(secret)) {
            throw new ValidationException(
                    "A MaxCompute table needs the AccessKey: set both '"
                            + ACCESS_ID.key()
                            + "' and '"
                            + ACCESS_KEY_SECRET.key()
                            + "'"
                            + (options.getOptional(STS_TOKEN).isPresent()
                                    ? " (the STS credentials' AccessKey goes with '"
                                            + STS_TOKEN.key()
                                            + "')"
                                    : ""));
        }
        String token = options.getOptional(STS_TOKEN).orElse(null);
        if (token != null && token.isBlank()) {
            throw new ValidationException(
                    "Option '" + STS_TOKEN.key() + "' must not be blank when set");
        }
        try {
            return TunnelConnectionOptions.builder()
                    .endpoint(options.get(ENDPOINT))
                    .tunnelEndpoint(options.getOptional(TUNNEL_ENDPOINT).orElse(null))
                    .project(options.get(PROJECT))
                    .accessKey(accessId, secret)
                    .securityToken(token)
                    .quotaName(options.getOptional(QUOTA_NAME).orElse(null))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "Invalid MaxCompute connection options ('"
                            + ENDPOINT.key()
                            + "', '"
                            + TUNNEL_ENDPOINT.key()
                            + "', '"
                            + PROJECT.key()
                            + "'): "
                            + e.getMessage());
        }
    }

    /** The table name ({@code table}), trimmed. */
    static String tableName(ReadableConfig options) {
        String table = options.get(TABLE);
        if (isBlank(table)) {
            throw new ValidationException("Option '" + TABLE.key() + "' must not be blank");
        }
        return table.trim();
    }

    /** The schema ({@code schema}), or null. */
    static String schemaName(ReadableConfig options) {
        String schema = options.getOptional(SCHEMA).orElse(null);
        return isBlank(schema) ? null : schema.trim();
    }

    static TableIdentifier tableIdentifier(
            TunnelConnectionOptions connection, String schema, String table) {
        return new TableIdentifier(connection.project(), schema, table);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
