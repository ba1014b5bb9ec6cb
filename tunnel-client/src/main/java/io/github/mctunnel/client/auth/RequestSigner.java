package io.github.mctunnel.client.auth;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;

/**
 * Adds the authentication headers to a request: {@code Authorization} (V2 when no region is
 * configured, V4 otherwise) and, for STS credentials, {@code authorization-sts-token}. Credentials
 * are fetched from the provider on every call, so rotation takes effect at once.
 */
public final class RequestSigner {

    public static final String AUTHORIZATION = "Authorization";
    public static final String STS_TOKEN = "authorization-sts-token";

    private static final DateTimeFormatter YYYYMMDD = DateTimeFormatter.BASIC_ISO_DATE;

    private final CredentialsProvider credentialsProvider;
    private final String region;
    private final Clock clock;

    /**
     * @param region the region for signature V4 (e.g. {@code cn-hangzhou}); null or blank = V2
     * @param clock the clock whose UTC date goes into V4 signatures
     */
    public RequestSigner(CredentialsProvider credentialsProvider, String region, Clock clock) {
        this.credentialsProvider =
                Objects.requireNonNull(credentialsProvider, "credentialsProvider");
        this.region = region == null || region.isBlank() ? null : region;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public RequestSigner(CredentialsProvider credentialsProvider, String region) {
        this(credentialsProvider, region, Clock.systemUTC());
    }

    /** The V4 region, or null when signing with V2. */
    public String region() {
        return region;
    }

    /**
     * Signs the request and puts the authentication headers into {@code headers}.
     *
     * @param headers the headers that will be sent (mutable); must already hold {@code Date},
     *     {@code Content-Type} and every {@code x-odps-*} header that goes on the wire
     * @param resourcePath decoded resource path without the endpoint's path prefix
     * @param params decoded query parameters (null or empty value = bare key)
     */
    public void sign(
            String method,
            Map<String, String> headers,
            String resourcePath,
            Map<String, String> params) {
        Credentials credentials;
        try {
            credentials = credentialsProvider.getCredentials();
        } catch (RuntimeException e) {
            throw new CredentialsUnavailableException(
                    "credentials ("
                            + sourceOf(credentialsProvider)
                            + "): "
                            + e.getClass().getSimpleName()
                            + ": "
                            + SecretRedaction.redact(e.getMessage()),
                    e instanceof IllegalArgumentException);
        }
        if (credentials == null) {
            throw new CredentialsUnavailableException(
                    "credentials ("
                            + sourceOf(credentialsProvider)
                            + "): the credentials provider returned null",
                    true);
        }
        String stringToSign = CanonicalRequest.stringToSign(method, headers, resourcePath, params);
        String authorization;
        if (region == null) {
            authorization =
                    SignatureV2.authorization(
                            credentials.accessId(),
                            SignatureV2.sign(credentials.accessKeySecret(), stringToSign));
        } else {
            String date = LocalDate.now(clock.withZone(ZoneOffset.UTC)).format(YYYYMMDD);
            authorization =
                    SignatureV4.authorization(
                            credentials.accessId(),
                            region,
                            date,
                            SignatureV4.sign(
                                    credentials.accessKeySecret(), region, date, stringToSign));
        }
        headers.put(AUTHORIZATION, authorization);
        if (credentials.securityToken() != null) {
            headers.put(STS_TOKEN, credentials.securityToken());
        }
    }

    /**
     * What {@code provider} is, for messages: never its {@code toString()}, which may hold secrets.
     */
    private static String sourceOf(CredentialsProvider provider) {
        if (provider instanceof AliyunCredentialsProvider) {
            return ((AliyunCredentialsProvider) provider).description();
        }
        String name = provider.getClass().getSimpleName();
        int lambda = name.indexOf("$$");
        return lambda > 0 ? name.substring(0, lambda) : name;
    }

    /**
     * The credentials provider failed: its message names the source and the reason, without secrets
     * (the provider's exception is not chained: its message may quote a response).
     */
    public static final class CredentialsUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean permanent;

        CredentialsUnavailableException(String message, boolean permanent) {
            super(message);
            this.permanent = permanent;
        }

        /**
         * A setup error ({@link IllegalArgumentException} or a null answer) that no retry can cure;
         * otherwise (e.g. the metadata service or STS did not answer) the request may be retried.
         */
        public boolean isPermanent() {
            return permanent;
        }
    }

    @Override
    public String toString() {
        return "RequestSigner{" + (region == null ? "V2" : "V4 " + region) + "}";
    }
}
