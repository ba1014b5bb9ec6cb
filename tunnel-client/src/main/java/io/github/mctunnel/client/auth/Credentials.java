package io.github.mctunnel.client.auth;

import java.util.Objects;

/**
 * An AccessKey pair, optionally with an STS security token. {@link #toString()} shows only the
 * access id: the secret and the token never appear in logs or messages.
 */
public final class Credentials {

    private final String accessId;
    private final String accessKeySecret;
    private final String securityToken;

    private Credentials(String accessId, String accessKeySecret, String securityToken) {
        this.accessId = requireNonBlank(accessId, "accessId");
        this.accessKeySecret = requireNonBlank(accessKeySecret, "accessKeySecret");
        this.securityToken = securityToken;
    }

    /** Long-term AccessKey credentials (signature only). */
    public static Credentials of(String accessId, String accessKeySecret) {
        return new Credentials(accessId, accessKeySecret, null);
    }

    /** Temporary STS credentials: signed like AccessKey credentials plus the token header. */
    public static Credentials sts(String accessId, String accessKeySecret, String securityToken) {
        return new Credentials(
                accessId, accessKeySecret, requireNonBlank(securityToken, "securityToken"));
    }

    private static String requireNonBlank(String value, String name) {
        Objects.requireNonNull(value, name + " must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    public String accessId() {
        return accessId;
    }

    public String accessKeySecret() {
        return accessKeySecret;
    }

    /** The STS security token, or null for long-term AccessKey credentials. */
    public String securityToken() {
        return securityToken;
    }

    @Override
    public String toString() {
        return "Credentials{accessId="
                + accessId
                + (securityToken == null ? "" : ", sts")
                + ", secret=***}";
    }
}
