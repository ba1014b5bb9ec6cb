package io.github.mctunnel.client.auth;

import com.aliyun.credentials.models.CredentialModel;
import com.aliyun.credentials.provider.AlibabaCloudCredentialsProvider;
import com.aliyun.credentials.provider.DefaultCredentialsProvider;
import com.aliyun.credentials.provider.EcsRamRoleCredentialProvider;
import com.aliyun.credentials.provider.OIDCRoleArnCredentialProvider;
import com.aliyun.credentials.provider.URLCredentialProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Credentials from Alibaba Cloud's credentials library ({@code com.aliyun:credentials-java}, an
 * optional dependency of this module): its default credentials chain, or one of its providers of
 * temporary STS credentials (ECS instance RAM role, RAM role for an ACK pod through OIDC,
 * credentials URI), configured as that library configures them, through environment variables such
 * as {@code ALIBABA_CLOUD_ACCESS_KEY_ID}, {@code ALIBABA_CLOUD_ROLE_ARN} or {@code
 * ALIBABA_CLOUD_CREDENTIALS_URI}.
 *
 * <p>The library caches temporary credentials and fetches new ones before they expire (15 minutes
 * before, by their {@code Expiration}). The provider is asked on every {@link #getCredentials()},
 * that is before every request and every retry, so a request is always signed with the credentials
 * the library holds at that moment: after a refresh, never with the old AccessKey or token.
 *
 * <p>When a refresh fails (the metadata service, STS or the credentials URI does not answer) while
 * the current temporary credentials are still valid for more than a minute, requests go on with
 * them and the refresh is tried again 5 seconds later (the library itself would fail the request:
 * it refreshes 15 minutes before the expiration and, for STS and the credentials URI, fails once
 * that moment has passed without new credentials).
 *
 * <p>Error messages never hold the AccessKey secret or the security token: text from the library is
 * stripped of them, and its exceptions are not chained (their messages may quote a response).
 */
public final class AliyunCredentialsProvider implements CredentialsProvider, AutoCloseable {

    /** Which of the library's providers supplies the credentials. */
    public enum Source {
        /**
         * The library's default chain, in its order: the JVM system properties {@code
         * alibabacloud.accessKeyId}/{@code alibabacloud.accessKeySecret}/{@code
         * alibabacloud.sessionToken}; the environment variables {@code
         * ALIBABA_CLOUD_ACCESS_KEY_ID}/{@code ALIBABA_CLOUD_ACCESS_KEY_SECRET}/{@code
         * ALIBABA_CLOUD_SECURITY_TOKEN}; the OIDC RAM role of an ACK pod when {@code
         * ALIBABA_CLOUD_ROLE_ARN}, {@code ALIBABA_CLOUD_OIDC_PROVIDER_ARN} and {@code
         * ALIBABA_CLOUD_OIDC_TOKEN_FILE} are set; the Alibaba Cloud CLI's {@code
         * ~/.aliyun/config.json}; the credentials file {@code ~/.alibabacloud/credentials.ini}; the
         * RAM role of the ECS instance (unless {@code ALIBABA_CLOUD_ECS_METADATA_DISABLED=true});
         * the credentials URI {@code ALIBABA_CLOUD_CREDENTIALS_URI} when set.
         */
        DEFAULT_CHAIN("default-chain"),
        /**
         * The RAM role of the ECS instance, from its metadata service ({@code
         * ALIBABA_CLOUD_ECS_METADATA} names the role, else the service is asked for it).
         */
        ECS_RAM_ROLE("ecs-ram-role"),
        /**
         * A RAM role assumed with the OIDC token of an ACK pod (RRSA): {@code
         * ALIBABA_CLOUD_ROLE_ARN}, {@code ALIBABA_CLOUD_OIDC_PROVIDER_ARN}, {@code
         * ALIBABA_CLOUD_OIDC_TOKEN_FILE}; the STS endpoint by {@code ALIBABA_CLOUD_STS_REGION} and
         * {@code ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED}.
         */
        OIDC_ROLE_ARN("oidc-role-arn"),
        /** The credentials served by {@code ALIBABA_CLOUD_CREDENTIALS_URI}. */
        CREDENTIALS_URI("credentials-uri");

        private final String id;

        Source(String id) {
            this.id = id;
        }

        /** The lower-case name, e.g. {@code default-chain}. */
        public String id() {
            return id;
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** {@code "Key":"value"}, {@code Key=value}, {@code key: value} of a secret field. */
    private static final Pattern SECRET_FIELD =
            Pattern.compile(
                    "(?i)(\"?(?:access_?key_?secret|security_?token|sts_?token|session_?token"
                            + "|oidc_?token|private_?key)\"?\\s*[:=]\\s*\"?)[^\"\\s,;&}]+");

    private static final Logger LOG = LoggerFactory.getLogger(AliyunCredentialsProvider.class);

    /** After a failed refresh, the current credentials serve this long before the next try. */
    static final long RETRY_AFTER_FAILURE_MILLIS = 5_000;

    /** Current credentials serve after a failed refresh only while valid this much longer. */
    static final long MIN_REMAINING_MILLIS = 60_000;

    /** The credentials last handed out and when they expire (0: not known or long-term). */
    private record Current(Credentials credentials, long expiresAtMillis) {}

    private final AlibabaCloudCredentialsProvider delegate;
    private final String description;
    private volatile Current last;

    /** While now is before this, a failed refresh is not tried again. */
    private volatile long noRefreshBeforeMillis;

    private AliyunCredentialsProvider(
            AlibabaCloudCredentialsProvider delegate, String description) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.description = description;
    }

    /**
     * A provider of the given source, configured by the library's environment variables and system
     * properties. Nothing is fetched yet: the first {@link #getCredentials()} does.
     *
     * @throws IllegalArgumentException when the source's settings are missing or invalid (the
     *     message names the environment variable)
     */
    public static AliyunCredentialsProvider create(Source source) {
        Objects.requireNonNull(source, "source");
        AlibabaCloudCredentialsProvider delegate;
        try {
            switch (source) {
                case DEFAULT_CHAIN:
                    delegate = new DefaultCredentialsProvider();
                    break;
                case ECS_RAM_ROLE:
                    delegate = EcsRamRoleCredentialProvider.builder().build();
                    break;
                case OIDC_ROLE_ARN:
                    delegate = OIDCRoleArnCredentialProvider.builder().build();
                    break;
                case CREDENTIALS_URI:
                    delegate = URLCredentialProvider.builder().build();
                    break;
                default:
                    throw new IllegalArgumentException("Unknown credentials source " + source);
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Cannot set up the " + source.id() + " credentials: " + redact(e.getMessage()));
        }
        return new AliyunCredentialsProvider(delegate, source.id());
    }

    /**
     * Credentials served by {@code uri} (the library's credentials-URI provider: a GET answering
     * {@code {"Code":"Success","AccessKeyId":..,"AccessKeySecret":..,"SecurityToken":..,
     * "Expiration":"2006-01-02T15:04:05Z"}}).
     *
     * @throws IllegalArgumentException when {@code uri} is not a URL
     */
    public static AliyunCredentialsProvider credentialsUri(String uri) {
        Objects.requireNonNull(uri, "uri");
        AlibabaCloudCredentialsProvider delegate;
        try {
            delegate = URLCredentialProvider.builder().credentialsURI(uri).build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Cannot set up the credentials-uri credentials: " + redact(e.getMessage()));
        }
        return new AliyunCredentialsProvider(delegate, Source.CREDENTIALS_URI.id());
    }

    /**
     * Wraps a provider of the library built by the caller (e.g. with its builders' settings).
     *
     * @param description what the provider is, for messages; no secrets
     */
    public static AliyunCredentialsProvider wrap(
            AlibabaCloudCredentialsProvider provider, String description) {
        return new AliyunCredentialsProvider(provider, Objects.requireNonNull(description));
    }

    /**
     * The credentials the library holds now (it refreshes temporary ones before they expire).
     *
     * @throws IllegalStateException when the library has none and cannot fetch any; the message
     *     holds the library's reasons without secrets
     */
    @Override
    public Credentials getCredentials() {
        Current current = last;
        long now = System.currentTimeMillis();
        if (current != null && now < noRefreshBeforeMillis && stillValid(current, now)) {
            return current.credentials();
        }
        CredentialModel model;
        try {
            model = delegate.getCredentials();
        } catch (RuntimeException e) {
            String reason = e.getClass().getSimpleName() + ": " + redact(e.getMessage());
            if (current != null && stillValid(current, now)) {
                noRefreshBeforeMillis = now + RETRY_AFTER_FAILURE_MILLIS;
                LOG.warn(
                        "Could not refresh the {} credentials; signing with the current ones,"
                                + " valid until {}, and trying again in {} ms: {}",
                        description,
                        Instant.ofEpochMilli(current.expiresAtMillis()),
                        RETRY_AFTER_FAILURE_MILLIS,
                        reason);
                return current.credentials();
            }
            throw new IllegalStateException(
                    "Could not get credentials (" + description + "): " + reason);
        }
        if (model == null
                || isBlank(model.getAccessKeyId())
                || isBlank(model.getAccessKeySecret())) {
            throw new IllegalStateException(
                    "The " + description + " credentials have no AccessKey id and secret");
        }
        String token = isBlank(model.getSecurityToken()) ? null : model.getSecurityToken();
        if (current != null
                && current.credentials().accessId().equals(model.getAccessKeyId())
                && current.credentials().accessKeySecret().equals(model.getAccessKeySecret())
                && Objects.equals(current.credentials().securityToken(), token)) {
            return current.credentials();
        }
        Credentials fresh =
                token == null
                        ? Credentials.of(model.getAccessKeyId(), model.getAccessKeySecret())
                        : Credentials.sts(
                                model.getAccessKeyId(), model.getAccessKeySecret(), token);
        last = new Current(fresh, Math.max(0, model.getExpiration()));
        if (current != null) {
            LOG.info(
                    "New {} credentials: AccessKey id {}, valid until {}",
                    description,
                    fresh.accessId(),
                    model.getExpiration() > 0 ? Instant.ofEpochMilli(model.getExpiration()) : "-");
        }
        return fresh;
    }

    /** When the current credentials expire (0: none yet, or long-term); for tests. */
    long expiresAtMillisForTest() {
        Current c = last;
        return c == null ? 0 : c.expiresAtMillis();
    }

    /** Temporary credentials with more than {@link #MIN_REMAINING_MILLIS} left. */
    private static boolean stillValid(Current c, long now) {
        return c.expiresAtMillis() > 0 && now < c.expiresAtMillis() - MIN_REMAINING_MILLIS;
    }

    /** Stops the library's background refresh, if it runs one. */
    @Override
    public void close() {
        try {
            delegate.close();
        } catch (Exception e) {
            // nothing to release that matters; the message could quote credentials
        }
    }

    /**
     * {@code text} with the values of secret fields ({@code AccessKeySecret}, {@code
     * SecurityToken}, OIDC token, private key) replaced by {@code ***}.
     */
    static String redact(String text) {
        if (text == null) {
            return "(no message)";
        }
        return SECRET_FIELD.matcher(text).replaceAll("$1***");
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public String toString() {
        return "AliyunCredentialsProvider{" + description.toLowerCase(Locale.ROOT) + "}";
    }
}
