package io.github.mctunnel.emulator.auth;

import java.util.Objects;

/**
 * An access key pair the emulator accepts, optionally bound to an STS token that every request
 * signed with it must carry in {@code authorization-sts-token}.
 */
public record EmulatorCredential(String accessId, String accessKey, String stsToken) {

    public EmulatorCredential {
        Objects.requireNonNull(accessId, "accessId");
        Objects.requireNonNull(accessKey, "accessKey");
        if (accessId.isBlank() || accessKey.isBlank()) {
            throw new IllegalArgumentException("access id and access key must not be blank");
        }
        if (stsToken != null && stsToken.isBlank()) {
            stsToken = null;
        }
    }

    public static EmulatorCredential of(String accessId, String accessKey) {
        return new EmulatorCredential(accessId, accessKey, null);
    }

    /** Never shows the key or token. */
    @Override
    public String toString() {
        return "EmulatorCredential{accessId=" + accessId + (stsToken != null ? ", sts" : "") + "}";
    }
}
