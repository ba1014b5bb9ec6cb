package io.github.mctunnel.client.upsert;

import java.util.Locale;

/**
 * The family of hash functions an upsert session uses to route rows to buckets. The service names
 * it in the {@code hasher} field of every upsert session response.
 */
public enum HasherKind {
    /**
     * {@code "default"}: integers go through a 64-to-32-bit mix, text through a one-at-a-time hash.
     */
    DEFAULT("default", DefaultHashFamily.INSTANCE),
    /**
     * {@code "legacy"}: integers fold their two 32-bit halves, text uses the {@code 31 * h + b}
     * hash.
     */
    LEGACY("legacy", LegacyHashFamily.INSTANCE);

    private final String serviceName;
    private final HashFamily family;

    HasherKind(String serviceName, HashFamily family) {
        this.serviceName = serviceName;
        this.family = family;
    }

    /** The name the service uses for this hasher ({@code default} or {@code legacy}). */
    public String serviceName() {
        return serviceName;
    }

    HashFamily family() {
        return family;
    }

    /**
     * Maps the {@code hasher} field of an upsert session response to a kind. A missing or empty
     * name means {@link #DEFAULT}, as in the official SDK; case is ignored.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static HasherKind fromServiceName(String hasher) {
        if (hasher == null || hasher.isEmpty()) {
            return DEFAULT;
        }
        for (HasherKind kind : values()) {
            if (kind.serviceName.equals(hasher.toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "Unsupported upsert hasher '" + hasher + "'; supported hashers: default, legacy");
    }
}
