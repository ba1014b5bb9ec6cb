package io.github.mctunnel.flink.config;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.Credentials;
import io.github.mctunnel.client.auth.CredentialsProvider;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.http.RetryPolicy;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and as whom to connect: the MaxCompute endpoint, an optional Tunnel endpoint (skips
 * endpoint discovery), the project, and either the AccessKey (optionally STS) credentials or a
 * {@link CredentialsProviderFactory}. Serializable, validated when built. {@link #toString()} never
 * shows the secret, the token or the provider factory's own text.
 */
@PublicEvolving
public final class TunnelConnectionOptions implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String endpoint;
    private final String tunnelEndpoint;
    private final String project;
    private final String accessId;
    private final String accessKeySecret;
    private final String securityToken;
    private final String quotaName;
    private final CredentialsProviderFactory credentialsProviderFactory;
    private final Duration retryMaxDuration;
    private final Duration connectTimeout;
    private final Duration socketTimeout;

    private TunnelConnectionOptions(Builder b) {
        this.endpoint = b.endpoint;
        this.tunnelEndpoint = b.tunnelEndpoint;
        this.project = b.project;
        this.accessId = b.accessId;
        this.accessKeySecret = b.accessKeySecret;
        this.securityToken = b.securityToken;
        this.quotaName = b.quotaName;
        this.credentialsProviderFactory = b.credentialsProviderFactory;
        this.retryMaxDuration = b.retryMaxDuration;
        this.connectTimeout = b.connectTimeout;
        this.socketTimeout = b.socketTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The MaxCompute service endpoint, e.g. {@code
     * https://service.cn-hangzhou.maxcompute.aliyun.com/api}.
     */
    public String endpoint() {
        return endpoint;
    }

    /** The Tunnel endpoint, or null to discover it from the MaxCompute endpoint. */
    public String tunnelEndpoint() {
        return tunnelEndpoint;
    }

    public String project() {
        return project;
    }

    /** The AccessKey id, or null when credentials come from a provider factory. */
    public String accessId() {
        return accessId;
    }

    /** The AccessKey secret, or null when credentials come from a provider factory. */
    public String accessKeySecret() {
        return accessKeySecret;
    }

    /** The STS token, or null for long-term AccessKey credentials. */
    public String securityToken() {
        return securityToken;
    }

    /** The tunnel quota (exclusive resource group) name, or null for the shared one. */
    public String quotaName() {
        return quotaName;
    }

    /** The factory of the credentials provider, or null when an AccessKey was set. */
    public CredentialsProviderFactory credentialsProviderFactory() {
        return credentialsProviderFactory;
    }

    /**
     * How long a failed request is retried (the client's retry policy gives up when the next wait
     * would end later), or null for the client's default (10 minutes).
     */
    public Duration retryMaxDuration() {
        return retryMaxDuration;
    }

    /** The TCP connect timeout, or null for the client's default. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The longest silence on a connection, or null for the client's default. */
    public Duration socketTimeout() {
        return socketTimeout;
    }

    /**
     * A new credentials provider for one client: the factory's, or one serving the AccessKey.
     *
     * @throws IllegalStateException when the factory returns null
     */
    public CredentialsProvider credentialsProvider() {
        if (credentialsProviderFactory != null) {
            CredentialsProvider provider = credentialsProviderFactory.createProvider();
            if (provider == null) {
                throw new IllegalStateException(
                        "The credentials provider factory "
                                + credentialsProviderFactory.getClass().getName()
                                + " returned null");
            }
            return provider;
        }
        Credentials credentials =
                securityToken == null
                        ? Credentials.of(accessId, accessKeySecret)
                        : Credentials.sts(accessId, accessKeySecret, securityToken);
        return new StaticCredentialsProvider(credentials);
    }

    /**
     * A Tunnel client builder set to these endpoints, project, credentials and quota; callers may
     * adjust it (e.g. the back-off sleeper) before building.
     */
    public TunnelClient.Builder clientBuilder() {
        TunnelClient.Builder builder =
                TunnelClient.builder()
                        .odpsEndpoint(endpoint)
                        .tunnelEndpoint(tunnelEndpoint)
                        .project(project)
                        .credentialsProvider(credentialsProvider())
                        .quotaName(quotaName);
        if (retryMaxDuration != null) {
            RetryPolicy defaults = RetryPolicy.defaults();
            builder.retryPolicy(
                    new RetryPolicy(
                            defaults.initialBackoff(),
                            defaults.maxBackoff(),
                            retryMaxDuration,
                            defaults.jitterFraction()));
        }
        if (connectTimeout != null) {
            builder.connectTimeout(connectTimeout);
        }
        if (socketTimeout != null) {
            builder.socketTimeout(socketTimeout);
        }
        return builder;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TunnelConnectionOptions)) {
            return false;
        }
        TunnelConnectionOptions other = (TunnelConnectionOptions) o;
        return endpoint.equals(other.endpoint)
                && Objects.equals(tunnelEndpoint, other.tunnelEndpoint)
                && project.equals(other.project)
                && Objects.equals(accessId, other.accessId)
                && Objects.equals(accessKeySecret, other.accessKeySecret)
                && Objects.equals(securityToken, other.securityToken)
                && Objects.equals(quotaName, other.quotaName)
                && Objects.equals(credentialsProviderFactory, other.credentialsProviderFactory)
                && Objects.equals(retryMaxDuration, other.retryMaxDuration)
                && Objects.equals(connectTimeout, other.connectTimeout)
                && Objects.equals(socketTimeout, other.socketTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoint, tunnelEndpoint, project, accessId, quotaName);
    }

    @Override
    public String toString() {
        return "TunnelConnectionOptions{endpoint="
                + endpoint
                + (tunnelEndpoint == null ? "" : ", tunnelEndpoint=" + tunnelEndpoint)
                + ", project="
                + project
                + (credentialsProviderFactory != null
                        ? ", credentialsProvider="
                                + (credentialsProviderFactory
                                                instanceof AliyunCredentialsProviderFactory
                                        ? credentialsProviderFactory.toString()
                                        : credentialsProviderFactory.getClass().getName())
                        : ", accessId=" + accessId + ", accessKeySecret=***")
                + (securityToken == null ? "" : ", securityToken=***")
                + (quotaName == null ? "" : ", quotaName=" + quotaName)
                + (retryMaxDuration == null ? "" : ", retryMaxDuration=" + retryMaxDuration)
                + (connectTimeout == null ? "" : ", connectTimeout=" + connectTimeout)
                + (socketTimeout == null ? "" : ", socketTimeout=" + socketTimeout)
                + '}';
    }

    /** Builder of {@link TunnelConnectionOptions}. */
    @PublicEvolving
    public static final class Builder {
        private String endpoint;
        private String tunnelEndpoint;
        private String project;
        private String accessId;
        private String accessKeySecret;
        private String securityToken;
        private String quotaName;
        private CredentialsProviderFactory credentialsProviderFactory;
        private Duration retryMaxDuration;
        private Duration connectTimeout;
        private Duration socketTimeout;

        private Builder() {}

        public Builder endpoint(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        public Builder tunnelEndpoint(String tunnelEndpoint) {
            this.tunnelEndpoint = tunnelEndpoint;
            return this;
        }

        public Builder project(String project) {
            this.project = project;
            return this;
        }

        public Builder accessKey(String accessId, String accessKeySecret) {
            this.accessId = accessId;
            this.accessKeySecret = accessKeySecret;
            return this;
        }

        public Builder securityToken(String securityToken) {
            this.securityToken = securityToken;
            return this;
        }

        public Builder quotaName(String quotaName) {
            this.quotaName = quotaName;
            return this;
        }

        /**
         * Credentials from a provider (e.g. rotating STS credentials) instead of a fixed AccessKey;
         * the factory is called once per client. Set either this or {@link #accessKey}.
         */
        public Builder credentialsProvider(CredentialsProviderFactory factory) {
            this.credentialsProviderFactory = factory;
            return this;
        }

        /**
         * How long a failed request is retried with back-off (0: no retries); null keeps the
         * client's default of 10 minutes.
         */
        public Builder retryMaxDuration(Duration retryMaxDuration) {
            this.retryMaxDuration = retryMaxDuration;
            return this;
        }

        /** The TCP connect timeout; null keeps the client's default. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** The longest silence on a connection (read timeout); null keeps the client's default. */
        public Builder socketTimeout(Duration socketTimeout) {
            this.socketTimeout = socketTimeout;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first missing or invalid setting
         */
        public TunnelConnectionOptions build() {
            requireUrl("endpoint", endpoint, true);
            requireUrl("tunnelEndpoint", tunnelEndpoint, false);
            requireText("project", project);
            if (credentialsProviderFactory != null) {
                if (accessId != null || accessKeySecret != null || securityToken != null) {
                    throw new IllegalArgumentException(
                            "The MaxCompute connection takes either an AccessKey (accessKey,"
                                    + " securityToken) or a credentials provider, not both");
                }
            } else {
                requireText("accessId", accessId);
                requireText("accessKeySecret", accessKeySecret);
            }
            if (securityToken != null && securityToken.isBlank()) {
                throw new IllegalArgumentException("securityToken must not be blank when set");
            }
            if (quotaName != null && quotaName.isBlank()) {
                quotaName = null;
            }
            if (retryMaxDuration != null && retryMaxDuration.isNegative()) {
                throw new IllegalArgumentException(
                        "retryMaxDuration must not be negative, got " + retryMaxDuration);
            }
            requirePositive("connectTimeout", connectTimeout);
            requirePositive("socketTimeout", socketTimeout);
            return new TunnelConnectionOptions(this);
        }

        private static void requirePositive(String name, Duration value) {
            if (value != null && (value.isZero() || value.isNegative())) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
        }

        private static void requireText(String name, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(
                        "The MaxCompute connection needs " + name + " to be set");
            }
        }

        private static void requireUrl(String name, String value, boolean required) {
            if (value == null) {
                if (required) {
                    requireText(name, null);
                }
                return;
            }
            try {
                URI uri = new URI(value);
                String scheme = uri.getScheme();
                if (uri.getHost() == null
                        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
                    throw new IllegalArgumentException(
                            name + " must be an http(s) URL with a host, got '" + value + "'");
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(
                        name + " is not a valid URL: '" + value + "' (" + e.getReason() + ")", e);
            }
        }
    }
}
