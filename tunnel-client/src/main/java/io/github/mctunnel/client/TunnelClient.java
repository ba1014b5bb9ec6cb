package io.github.mctunnel.client;

import io.github.mctunnel.client.auth.CredentialsProvider;
import io.github.mctunnel.client.auth.RequestSigner;
import io.github.mctunnel.client.endpoint.TunnelEndpointResolver;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.BackoffGates;
import io.github.mctunnel.client.http.HttpTransport;
import io.github.mctunnel.client.http.RetryPolicy;
import io.github.mctunnel.client.http.RetryingCaller;
import io.github.mctunnel.client.http.Sleeper;
import io.github.mctunnel.client.http.TransportSettings;
import io.github.mctunnel.client.meta.MetaClient;
import io.github.mctunnel.client.meta.TableInfo;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.DownloadSession;
import io.github.mctunnel.client.session.StreamUploadSession;
import io.github.mctunnel.client.session.TunnelContext;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.client.session.UpsertSession;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Entry point of the tunnel client: one connection pool, one retry policy with shared back-off
 * gates, and the factories of all sessions. Thread-safe; close it when done.
 *
 * <pre>{@code
 * TunnelClient client = TunnelClient.builder()
 *         .odpsEndpoint("https://service.cn-hangzhou.maxcompute.aliyun.com/api")
 *         .project("my_project")
 *         .credentialsProvider(StaticCredentialsProvider.of(ak, sk))
 *         .build();
 * UploadSession s = client.createUploadSession(client.table("t"), PartitionSpec.parse("ds=20240101"), false);
 * }</pre>
 */
public final class TunnelClient implements Closeable {

    private final Builder config;
    private final HttpTransport transport;
    private final RetryingCaller caller;
    private final TunnelContext tunnel;
    private final MetaClient meta;

    private TunnelClient(Builder b) {
        this.config = b;
        RequestSigner signer = new RequestSigner(b.credentialsProvider, b.region, b.clock);
        this.transport =
                new HttpTransport(
                        new TransportSettings(
                                b.connectTimeout, b.socketTimeout, b.maxConnections, b.userAgent),
                        signer,
                        b.project,
                        b.clock);
        this.caller =
                new RetryingCaller(
                        transport,
                        b.retryPolicy,
                        b.clock,
                        b.sleeper,
                        b.random,
                        b.backoffGates != null
                                ? b.backoffGates
                                : b.clock.equals(Clock.systemUTC())
                                        ? BackoffGates.processWide()
                                        : new BackoffGates());
        TunnelEndpointResolver endpoints =
                new TunnelEndpointResolver(
                        b.odpsEndpoint, b.tunnelEndpoint, b.project, b.quotaName, caller);
        this.tunnel = new TunnelContext(caller, endpoints, b.quotaName);
        this.meta = new MetaClient(caller, b.odpsEndpoint, b.sqlTimeout.toMillis());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The default project. */
    public String project() {
        return config.project;
    }

    /** A table of the default project. */
    public TableIdentifier table(String name) {
        return TableIdentifier.of(config.project, name);
    }

    /** Meta calls (table info, partitions, partition DDL). */
    public MetaClient meta() {
        return meta;
    }

    /** Shared by all sessions of this client (for session classes' static factories). */
    public TunnelContext tunnelContext() {
        return tunnel;
    }

    /** Table info from the meta service. */
    public TableInfo getTable(TableIdentifier table) throws TunnelException {
        return meta.getTable(table);
    }

    /** See {@link UploadSession#create}. */
    public UploadSession createUploadSession(
            TableIdentifier table, PartitionSpec partition, boolean overwrite)
            throws TunnelException {
        return UploadSession.create(tunnel, table, partition, overwrite);
    }

    /** See {@link UploadSession#attach}. */
    public UploadSession attachUploadSession(
            TableIdentifier table, PartitionSpec partition, String id) throws TunnelException {
        return UploadSession.attach(tunnel, table, partition, id);
    }

    /** See {@link DownloadSession#create}. */
    public DownloadSession createDownloadSession(TableIdentifier table, PartitionSpec partition)
            throws TunnelException {
        return DownloadSession.create(tunnel, table, partition);
    }

    /** See {@link DownloadSession#attach}. */
    public DownloadSession attachDownloadSession(
            TableIdentifier table, PartitionSpec partition, String id) throws TunnelException {
        return DownloadSession.attach(tunnel, table, partition, id);
    }

    /** See {@link StreamUploadSession#create}. */
    public StreamUploadSession createStreamUploadSession(
            TableIdentifier table,
            PartitionSpec partition,
            boolean createPartition,
            boolean dynamicPartition,
            int slotNum)
            throws TunnelException {
        return StreamUploadSession.create(
                tunnel, table, partition, createPartition, dynamicPartition, slotNum);
    }

    /** See {@link UpsertSession#create}. */
    public UpsertSession createUpsertSession(
            TableIdentifier table, PartitionSpec partition, int slotNum) throws TunnelException {
        return UpsertSession.create(tunnel, table, partition, slotNum);
    }

    /** See {@link UpsertSession#attach}. */
    public UpsertSession attachUpsertSession(
            TableIdentifier table, PartitionSpec partition, String id) throws TunnelException {
        return UpsertSession.attach(tunnel, table, partition, id);
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }

    @Override
    public String toString() {
        return "TunnelClient{odpsEndpoint="
                + config.odpsEndpoint
                + ", tunnelEndpoint="
                + (config.tunnelEndpoint == null ? "(discovered)" : config.tunnelEndpoint)
                + ", project="
                + config.project
                + (config.quotaName == null ? "" : ", quotaName=" + config.quotaName)
                + ", signature="
                + (config.region == null ? "V2" : "V4/" + config.region)
                + "}";
    }

    /** Builder of {@link TunnelClient}. Required: ODPS endpoint, project, credentials provider. */
    public static final class Builder {
        private URI odpsEndpoint;
        private URI tunnelEndpoint;
        private String project;
        private CredentialsProvider credentialsProvider;
        private String region;
        private String quotaName;
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Duration connectTimeout = TransportSettings.defaults().connectTimeout();
        private Duration socketTimeout = TransportSettings.defaults().socketTimeout();
        private int maxConnections = TransportSettings.defaults().maxConnections();
        private String userAgent = TransportSettings.DEFAULT_USER_AGENT;
        private Duration sqlTimeout = Duration.ofMinutes(5);
        private Clock clock = Clock.systemUTC();
        private BackoffGates backoffGates;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

        private Builder() {}

        /** The ODPS (meta) endpoint, may carry a path, e.g. {@code http://host/api}. */
        public Builder odpsEndpoint(String endpoint) {
            this.odpsEndpoint = parseEndpoint(endpoint, "odpsEndpoint");
            return this;
        }

        /** The tunnel endpoint; when not set it is discovered once through the ODPS endpoint. */
        public Builder tunnelEndpoint(String endpoint) {
            this.tunnelEndpoint =
                    endpoint == null || endpoint.isBlank()
                            ? null
                            : parseEndpoint(endpoint, "tunnelEndpoint");
            return this;
        }

        public Builder project(String project) {
            this.project = project;
            return this;
        }

        public Builder credentialsProvider(CredentialsProvider provider) {
            this.credentialsProvider = provider;
            return this;
        }

        /** The region (e.g. {@code cn-hangzhou}); when set, requests are signed with V4. */
        public Builder region(String region) {
            this.region = region == null || region.isBlank() ? null : region;
            return this;
        }

        /** The tunnel quota to use ({@code quotaName}), or null for the project default. */
        public Builder quotaName(String quotaName) {
            this.quotaName = quotaName == null || quotaName.isBlank() ? null : quotaName;
            return this;
        }

        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
            return this;
        }

        /** Read timeout (longest silence on a connection). */
        public Builder socketTimeout(Duration timeout) {
            this.socketTimeout = Objects.requireNonNull(timeout, "socketTimeout");
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
            return this;
        }

        /** Longest wait for partition DDL through SQL instances. */
        public Builder sqlTimeout(Duration timeout) {
            this.sqlTimeout = Objects.requireNonNull(timeout, "sqlTimeout");
            return this;
        }

        /**
         * The back-off gates the client waits at and closes. By default a client on the real (UTC
         * system) clock shares {@link BackoffGates#processWide()} with every other such client of
         * the process, as the service counts throttles per client address; a client on another
         * clock has gates of its own.
         */
        public Builder backoffGates(BackoffGates gates) {
            this.backoffGates = Objects.requireNonNull(gates, "backoffGates");
            return this;
        }

        /** Clock for {@code Date} headers, V4 dates and back-off (tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How back-off waits are done (tests use a fake that advances a fake clock). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Source of back-off jitter in [0, 1) (tests use a constant). */
        public Builder jitter(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        private static URI parseEndpoint(String endpoint, String name) {
            Objects.requireNonNull(endpoint, name);
            URI uri;
            try {
                uri = URI.create(endpoint.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        name + " '" + endpoint + "' is not a valid URI", e);
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
                    || uri.getHost() == null) {
                throw new IllegalArgumentException(
                        name
                                + " '"
                                + endpoint
                                + "' must be an http(s) URL such as http://host[:port][/path]");
            }
            return uri;
        }

        public TunnelClient build() {
            if (odpsEndpoint == null) {
                throw new IllegalArgumentException("odpsEndpoint is required");
            }
            if (project == null || project.isBlank()) {
                throw new IllegalArgumentException("project is required");
            }
            if (credentialsProvider == null) {
                throw new IllegalArgumentException("credentialsProvider is required");
            }
            return new TunnelClient(this);
        }
    }
}
