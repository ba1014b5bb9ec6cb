package io.github.mctunnel.client.auth;

import com.aliyun.credentials.provider.AlibabaCloudCredentialsProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Credentials from Alibaba Cloud's credentials library ({@code com.aliyun:credentials-java}, an
 * optional dependency of this module): its default credentials chain, or one of its providers of
 * temporary STS credentials (ECS instance RAM role, RAM role for an ACK pod through OIDC,
 * credentials URI), configured as that library configures them, through environment variables such
 * as {@code ALIBABA_CLOUD_ACCESS_KEY_ID}, {@code ALIBABA_CLOUD_ROLE_ARN} or {@code
 * ALIBABA_CLOUD_CREDENTIALS_URI}.
 *
 * <p>The credentials are cached here: the source is asked again only once the current temporary
 * credentials are within 15 minutes of their {@code Expiration} (when the library fetches new
 * ones), and then at most every {@link #REFRESH_INTERVAL_MILLIS} ms (the library fetches on every
 * call once the credentials it holds have 15 minutes or less left), by one thread at a time: while
 * one thread refreshes, the others sign with the current credentials if those are still valid for
 * more than {@link #MIN_REMAINING_MILLIS} ms. Long-term credentials (no expiration) are asked for
 * again at most every {@link #REFRESH_INTERVAL_MILLIS} ms. Credentials that come back with {@link
 * #MIN_REMAINING_MILLIS} ms or less left (an expired answer, or this host's clock ahead: keep
 * TaskManager clocks NTP-synchronized) count as a failed refresh.
 *
 * <p>When a refresh fails (the metadata service, STS or the credentials URI does not answer) while
 * the current temporary credentials are still valid for more than a minute, requests go on with
 * them and the refresh is tried again 5 seconds later (the library itself would fail the request:
 * it refreshes 15 minutes before the expiration and, for STS and the credentials URI, fails once
 * that moment has passed without new credentials).
 *
 * <p>The credentials URI is fetched by this class itself (a plain GET), not by the library, whose
 * provider logs the response body (secret included) when a field is missing.
 *
 * <p>Error messages never hold the AccessKey secret, the security token or the query of a URL: text
 * from the library is stripped of them, and its exceptions are not chained (their messages may
 * quote a response).
 */
public final class AliyunCredentialsProvider implements CredentialsProvider, AutoCloseable {

    /** Maven coordinates of the library, for messages. */
    static final String LIBRARY =
            "com.aliyun:credentials-java:1.0.3 (with com.aliyun:tea:1.4.2, as this client pins it)";

    /** One fetch of credentials from the source; runtime exceptions for failures. */
    interface Fetch extends AutoCloseable {
        /** The credentials, or null when there are none. */
        Fetched fetch();

        @Override
        default void close() throws Exception {}
    }

    /** What a fetch returned; expiration in epoch millis, 0 for none (long-term credentials). */
    record Fetched(
            String accessKeyId, String accessKeySecret, String securityToken, long expiration) {
        @Override
        public String toString() {
            return "Fetched{" + accessKeyId + ", secret=***}";
        }
    }

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

    private static final Logger LOG = LoggerFactory.getLogger(AliyunCredentialsProvider.class);

    /** After a failed refresh, the current credentials serve this long before the next try. */
    static final long RETRY_AFTER_FAILURE_MILLIS = 5_000;

    /** Current credentials serve after a failed refresh only while valid this much longer. */
    static final long MIN_REMAINING_MILLIS = 60_000;

    /**
     * Once the current credentials are within this of their expiration, the source is asked for new
     * ones (the library's own refresh point).
     */
    static final long REFRESH_BEFORE_EXPIRY_MILLIS = 15 * 60_000;

    /** Within {@link #REFRESH_BEFORE_EXPIRY_MILLIS}, the source is asked at most this often. */
    static final long REFRESH_INTERVAL_MILLIS = 20_000;

    /** The credentials last handed out and when they expire (0: not known or long-term). */
    private record Current(Credentials credentials, long expiresAtMillis) {}

    private final Fetch delegate;
    private final String description;
    private final LongSupplier clock;
    private final ReentrantLock refreshLock = new ReentrantLock();
    private volatile Current last;

    /** The source is not asked again before this (after a fetch or a failure). */
    private volatile long nextAttemptAtMillis;

    /** The last failure and when it happened, thrown again to waiters within the retry pause. */
    private volatile String lastFailure;

    private volatile long lastFailureAtMillis;

    private AliyunCredentialsProvider(Fetch delegate, String description, LongSupplier clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.description = description;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** For tests: a provider over {@code fetch} on the given clock. */
    static AliyunCredentialsProvider of(Fetch fetch, String description, LongSupplier clock) {
        return new AliyunCredentialsProvider(fetch, description, clock);
    }

    /**
     * A provider of the given source, configured by the library's environment variables and system
     * properties. Nothing is fetched yet: the first {@link #getCredentials()} does.
     *
     * @throws IllegalArgumentException when the source's settings are missing or invalid (the
     *     message names the environment variable)
     * @throws IllegalStateException when the library is not on the class path
     */
    public static AliyunCredentialsProvider create(Source source) {
        Objects.requireNonNull(source, "source");
        if (source == Source.CREDENTIALS_URI) {
            String uri =
                    libraryPresent()
                            ? AliyunLibraryBridge.environmentCredentialsUri()
                            : System.getenv("ALIBABA_CLOUD_CREDENTIALS_URI");
            return credentialsUri(uri == null ? "" : uri);
        }
        requireLibrary(source.id());
        Fetch delegate;
        try {
            delegate = AliyunLibraryBridge.create(source);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Cannot set up the " + source.id() + " credentials: " + redact(e.getMessage()));
        }
        return new AliyunCredentialsProvider(delegate, source.id(), System::currentTimeMillis);
    }

    /**
     * Credentials served by {@code uri}: a GET answering {@code {"Code":"Success","AccessKeyId":..,
     * "AccessKeySecret":..,"SecurityToken":..,"Expiration":"2006-01-02T15:04:05Z"}}, as the
     * library's credentials-URI provider expects (fetched here, without the library).
     *
     * @throws IllegalArgumentException when {@code uri} is not an http(s) URL
     */
    public static AliyunCredentialsProvider credentialsUri(String uri) {
        Objects.requireNonNull(uri, "uri");
        Fetch delegate;
        try {
            delegate = new CredentialsUriFetch(uri);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Cannot set up the credentials-uri credentials: " + redact(e.getMessage()));
        }
        return new AliyunCredentialsProvider(
                delegate, Source.CREDENTIALS_URI.id(), System::currentTimeMillis);
    }

    /**
     * Wraps a provider of the library built by the caller (e.g. with its builders' settings).
     *
     * @param description what the provider is, for messages; no secrets
     * @throws IllegalStateException when the library is not on the class path
     */
    public static AliyunCredentialsProvider wrap(
            AlibabaCloudCredentialsProvider provider, String description) {
        Objects.requireNonNull(description, "description");
        requireLibrary(description);
        return new AliyunCredentialsProvider(
                AliyunLibraryBridge.adapt(Objects.requireNonNull(provider, "provider")),
                description,
                System::currentTimeMillis);
    }

    /** Whether the library's classes can be loaded (it is optional for this module). */
    static boolean libraryPresent() {
        ClassLoader loader = AliyunCredentialsProvider.class.getClassLoader();
        try {
            Class.forName(
                    "com.aliyun.credentials.provider.AlibabaCloudCredentialsProvider",
                    false,
                    loader);
            Class.forName("com.aliyun.credentials.api.ICredentialsProvider", false, loader);
            Class.forName("com.aliyun.tea.TeaModel", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static void requireLibrary(String what) {
        if (!libraryPresent()) {
            throw new IllegalStateException(
                    "The "
                            + what
                            + " credentials need Alibaba Cloud's credentials library on the class"
                            + " path: add "
                            + LIBRARY);
        }
    }

    /**
     * The current credentials, fetched again when they near their expiration (see the class
     * comment).
     *
     * @throws IllegalStateException when there are no valid credentials and none can be fetched;
     *     the message holds the source's reasons without secrets
     */
    @Override
    public Credentials getCredentials() {
        Current current = last;
        long now = clock.getAsLong();
        if (current != null && stillValid(current, now)) {
            if (!refreshDue(current, now) || !refreshLock.tryLock()) {
                // not due, or another thread is refreshing: sign with the current ones
                return current.credentials();
            }
        } else {
            refreshLock.lock();
        }
        try {
            current = last;
            now = clock.getAsLong();
            if (current != null && stillValid(current, now) && !refreshDue(current, now)) {
                return current.credentials();
            }
            String failure = lastFailure;
            if (failure != null
                    && (current == null || !stillValid(current, now))
                    && now - lastFailureAtMillis < RETRY_AFTER_FAILURE_MILLIS
                    && now >= lastFailureAtMillis) {
                // a fetch failed a moment ago: do not hit the source again for every waiter
                throw new IllegalStateException(failure);
            }
            return refresh(current, now);
        } finally {
            refreshLock.unlock();
        }
    }

    private boolean refreshDue(Current c, long now) {
        if (now < nextAttemptAtMillis) {
            return false;
        }
        return c.expiresAtMillis() == 0
                || now >= c.expiresAtMillis() - REFRESH_BEFORE_EXPIRY_MILLIS;
    }

    /** Asks the source; under {@link #refreshLock}. */
    private Credentials refresh(Current current, long now) {
        Fetched model;
        String reason = null;
        try {
            model = delegate.fetch();
            if (model == null || isBlank(model.accessKeyId()) || isBlank(model.accessKeySecret())) {
                reason = "the answer has no AccessKey id and secret";
            } else if (model.expiration() > 0 && model.expiration() <= now + MIN_REMAINING_MILLIS) {
                reason =
                        "the answer expires at "
                                + Instant.ofEpochMilli(model.expiration())
                                + ", "
                                + MIN_REMAINING_MILLIS
                                + " ms or less from now ("
                                + Instant.ofEpochMilli(now)
                                + "): expired credentials, or this host's clock is off (keep it"
                                + " NTP-synchronized)";
            }
        } catch (RuntimeException e) {
            model = null;
            reason = e.getClass().getSimpleName() + ": " + redact(e.getMessage());
        }
        if (reason != null) {
            nextAttemptAtMillis = now + RETRY_AFTER_FAILURE_MILLIS;
            if (current != null && stillValid(current, now)) {
                LOG.warn(
                        "Could not refresh the {} credentials; signing with the current ones,"
                                + " valid until {}, and trying again in {} ms: {}",
                        description,
                        current.expiresAtMillis() > 0
                                ? Instant.ofEpochMilli(current.expiresAtMillis())
                                : "-",
                        RETRY_AFTER_FAILURE_MILLIS,
                        reason);
                return current.credentials();
            }
            String message = "Could not get credentials (" + description + "): " + reason;
            lastFailure = message;
            lastFailureAtMillis = now;
            throw new IllegalStateException(message);
        }
        lastFailure = null;
        String token = isBlank(model.securityToken()) ? null : model.securityToken();
        long expiresAt = Math.max(0, model.expiration());
        // credentials that are themselves due (15 minutes or less left, or long-term) are asked
        // for again only after the interval; others when their own refresh point comes
        nextAttemptAtMillis =
                expiresAt == 0 || now >= expiresAt - REFRESH_BEFORE_EXPIRY_MILLIS
                        ? now + REFRESH_INTERVAL_MILLIS
                        : 0;
        if (current != null
                && current.credentials().accessId().equals(model.accessKeyId())
                && current.credentials().accessKeySecret().equals(model.accessKeySecret())
                && Objects.equals(current.credentials().securityToken(), token)) {
            if (expiresAt != current.expiresAtMillis()) {
                last = new Current(current.credentials(), expiresAt);
            }
            return current.credentials();
        }
        Credentials fresh =
                token == null
                        ? Credentials.of(model.accessKeyId(), model.accessKeySecret())
                        : Credentials.sts(model.accessKeyId(), model.accessKeySecret(), token);
        last = new Current(fresh, expiresAt);
        if (current != null) {
            LOG.info(
                    "New {} credentials: AccessKey id {}, valid until {}",
                    description,
                    fresh.accessId(),
                    expiresAt > 0 ? Instant.ofEpochMilli(expiresAt) : "-");
        }
        return fresh;
    }

    /** When the current credentials expire (0: none yet, or long-term); for tests. */
    long expiresAtMillisForTest() {
        Current c = last;
        return c == null ? 0 : c.expiresAtMillis();
    }

    /**
     * Long-term credentials, or temporary ones with more than {@link #MIN_REMAINING_MILLIS} left.
     */
    private static boolean stillValid(Current c, long now) {
        return c.expiresAtMillis() == 0 || now < c.expiresAtMillis() - MIN_REMAINING_MILLIS;
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

    /** {@link SecretRedaction#redact}. */
    static String redact(String text) {
        return SecretRedaction.redact(text);
    }

    /** What the credentials come from, e.g. {@code credentials-uri}; never a secret. */
    public String description() {
        return description;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    @Override
    public String toString() {
        return "AliyunCredentialsProvider{" + description.toLowerCase(Locale.ROOT) + "}";
    }
}
