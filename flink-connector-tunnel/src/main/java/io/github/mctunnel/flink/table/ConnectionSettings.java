package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.auth.AliyunCredentialsProvider;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.flink.config.AliyunCredentialsProviderFactory;
import io.github.mctunnel.flink.config.CredentialsProviderFactory;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ACCESS_ID;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ACCESS_KEY_SECRET_OR_FALLBACK_KEY;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.CONNECT_TIMEOUT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.CREDENTIALS_PROVIDER;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.CREDENTIALS_PROVIDER_CLASS;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.ENDPOINT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.PROJECT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.QUOTA_NAME;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.RETRY_MAX_DURATION;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SCHEMA;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.SOCKET_TIMEOUT;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.STS_TOKEN;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.TABLE;
import static io.github.mctunnel.flink.table.MaxComputeConnectorOptions.TUNNEL_ENDPOINT;

/**
 * Reads the connection options (endpoints, project, credentials, quota) and the table name of a
 * {@code maxcompute} table. Messages name the option keys and never contain the secret or token.
 */
@Internal
public final class ConnectionSettings {

    private ConnectionSettings() {}

    /**
     * The connection options, a {@code credentials-provider.class} loaded with the thread's context
     * class loader.
     *
     * @throws ValidationException naming the missing, conflicting or invalid option
     */
    static TunnelConnectionOptions connection(ReadableConfig options) {
        return connection(options, Thread.currentThread().getContextClassLoader());
    }

    /**
     * The connection options; a {@code credentials-provider.class} is loaded with {@code
     * classLoader} and instantiated once (the instance travels with the job).
     *
     * @throws ValidationException naming the missing, conflicting or invalid option
     */
    public static TunnelConnectionOptions connection(
            ReadableConfig options, ClassLoader classLoader) {
        TunnelConnectionOptions.Builder builder = TunnelConnectionOptions.builder();
        String providerClass = options.getOptional(CREDENTIALS_PROVIDER_CLASS).orElse(null);
        AliyunCredentialsProvider.Source source = credentialsSource(options);
        if (providerClass != null && options.getOptional(CREDENTIALS_PROVIDER).isPresent()) {
            throw new ValidationException(
                    "Options '"
                            + CREDENTIALS_PROVIDER.key()
                            + "' and '"
                            + CREDENTIALS_PROVIDER_CLASS.key()
                            + "' exclude each other: set one of them");
        }
        if (source != null) {
            for (ConfigOption<String> o :
                    List.of(ACCESS_ID, ACCESS_KEY_SECRET_OR_FALLBACK_KEY, STS_TOKEN)) {
                if (options.getOptional(o).isPresent()) {
                    throw new ValidationException(
                            "Option '"
                                    + CREDENTIALS_PROVIDER.key()
                                    + "' = '"
                                    + source.id()
                                    + "' and option '"
                                    + o.key()
                                    + "' exclude each other: the credentials come from the"
                                    + " provider (use '"
                                    + STATIC_PROVIDER
                                    + "' for an AccessKey)");
                }
            }
            builder.credentialsProvider(AliyunCredentialsProviderFactory.of(source));
        } else if (providerClass != null) {
            for (ConfigOption<String> o :
                    List.of(ACCESS_ID, ACCESS_KEY_SECRET_OR_FALLBACK_KEY, STS_TOKEN)) {
                if (options.getOptional(o).isPresent()) {
                    throw new ValidationException(
                            "Options '"
                                    + CREDENTIALS_PROVIDER_CLASS.key()
                                    + "' and '"
                                    + o.key()
                                    + "' exclude each other: the credentials come either from"
                                    + " the provider or from the AccessKey options");
                }
            }
            builder.credentialsProvider(credentialsProviderFactory(providerClass, classLoader));
        } else {
            accessKey(options, builder);
        }
        Duration retry = options.get(RETRY_MAX_DURATION);
        if (retry.isNegative()) {
            throw new ValidationException(
                    "Option '"
                            + RETRY_MAX_DURATION.key()
                            + "' must be 0 (no retries) or positive, got "
                            + retry);
        }
        builder.retryMaxDuration(retry)
                .connectTimeout(positive(options, CONNECT_TIMEOUT))
                .socketTimeout(positive(options, SOCKET_TIMEOUT));
        try {
            return builder.endpoint(options.get(ENDPOINT))
                    .tunnelEndpoint(options.getOptional(TUNNEL_ENDPOINT).orElse(null))
                    .project(options.get(PROJECT))
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

    /**
     * The connection option keys (endpoints, credentials, quota, retries and timeouts) without
     * {@code project}: what a catalog takes and hands on to each of its tables (the AccessKey
     * secret also under the catalog's fallback key {@code access-key}).
     */
    public static List<ConfigOption<?>> connectionOptionsWithoutProject() {
        return List.of(
                ENDPOINT,
                TUNNEL_ENDPOINT,
                ACCESS_ID,
                ACCESS_KEY_SECRET_OR_FALLBACK_KEY,
                STS_TOKEN,
                CREDENTIALS_PROVIDER,
                CREDENTIALS_PROVIDER_CLASS,
                RETRY_MAX_DURATION,
                CONNECT_TIMEOUT,
                SOCKET_TIMEOUT,
                QUOTA_NAME);
    }

    private static void accessKey(ReadableConfig options, TunnelConnectionOptions.Builder builder) {
        String accessId = options.getOptional(ACCESS_ID).orElse(null);
        // tables refuse the fallback key before this (VendorOptions); the catalog takes it
        String secret = options.getOptional(ACCESS_KEY_SECRET_OR_FALLBACK_KEY).orElse(null);
        if (isBlank(accessId) || isBlank(secret)) {
            throw new ValidationException(
                    "A MaxCompute table or catalog needs the AccessKey: set both '"
                            + ACCESS_ID.key()
                            + "' and '"
                            + ACCESS_KEY_SECRET_OR_FALLBACK_KEY.key()
                            + "'"
                            + (options.getOptional(STS_TOKEN).isPresent()
                                    ? " (the STS credentials' AccessKey goes with '"
                                            + STS_TOKEN.key()
                                            + "')"
                                    : "")
                            + ", or '"
                            + CREDENTIALS_PROVIDER_CLASS.key()
                            + "', or '"
                            + CREDENTIALS_PROVIDER.key()
                            + "' (e.g. 'default-chain')");
        }
        String token = options.getOptional(STS_TOKEN).orElse(null);
        if (token != null && token.isBlank()) {
            throw new ValidationException(
                    "Option '" + STS_TOKEN.key() + "' must not be blank when set");
        }
        builder.accessKey(accessId, secret).securityToken(token);
    }

    /** The value of {@code credentials.provider} that means the AccessKey options. */
    static final String STATIC_PROVIDER = "static";

    /**
     * The source {@code credentials.provider} selects, or null for the AccessKey ({@code static} or
     * not set).
     *
     * @throws ValidationException naming the option and its values when the value is unknown
     */
    private static AliyunCredentialsProvider.Source credentialsSource(ReadableConfig options) {
        String value = options.getOptional(CREDENTIALS_PROVIDER).orElse(null);
        if (value == null) {
            return null;
        }
        String id = value.trim().toLowerCase(Locale.ROOT);
        if (id.equals(STATIC_PROVIDER)) {
            return null;
        }
        for (AliyunCredentialsProvider.Source s : AliyunCredentialsProvider.Source.values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new ValidationException(
                "Option '"
                        + CREDENTIALS_PROVIDER.key()
                        + "' must be one of "
                        + Stream.concat(
                                        Stream.of(STATIC_PROVIDER),
                                        Stream.of(AliyunCredentialsProvider.Source.values())
                                                .map(AliyunCredentialsProvider.Source::id))
                                .map(v -> "'" + v + "'")
                                .collect(Collectors.joining(", "))
                        + ", got '"
                        + value
                        + "'");
    }

    private static Duration positive(ReadableConfig options, ConfigOption<Duration> option) {
        Duration value = options.get(option);
        if (value.isZero() || value.isNegative()) {
            throw new ValidationException(
                    "Option '" + option.key() + "' must be positive, got " + value);
        }
        return value;
    }

    private static CredentialsProviderFactory credentialsProviderFactory(
            String className, ClassLoader classLoader) {
        String name = className.trim();
        String prefix = "Option '" + CREDENTIALS_PROVIDER_CLASS.key() + "': ";
        Class<?> type;
        try {
            type = Class.forName(name, true, classLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ValidationException(
                    prefix + "class " + name + " was not found on the job's class path", e);
        }
        if (!CredentialsProviderFactory.class.isAssignableFrom(type)) {
            throw new ValidationException(
                    prefix
                            + "class "
                            + name
                            + " does not implement "
                            + CredentialsProviderFactory.class.getName());
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new ValidationException(
                    prefix + "class " + name + " needs a public no-argument constructor", e);
        }
        if (Modifier.isAbstract(type.getModifiers())) {
            throw new ValidationException(prefix + "class " + name + " is abstract");
        }
        try {
            return (CredentialsProviderFactory) constructor.newInstance();
        } catch (InvocationTargetException e) {
            // not chained: a provider's own exception may carry what it was loading
            Throwable cause = e.getCause();
            throw new ValidationException(
                    prefix
                            + "the constructor of "
                            + name
                            + " failed: "
                            + cause.getClass().getName()
                            + " (its message is left out: it may hold credentials)");
        } catch (ReflectiveOperationException e) {
            throw new ValidationException(
                    prefix + "could not instantiate " + name + ": " + e.getClass().getName(), e);
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
