package io.github.mctunnel.client.auth;

import java.util.Objects;

/** A {@link CredentialsProvider} that always returns the same credentials. */
public final class StaticCredentialsProvider implements CredentialsProvider {

    private final Credentials credentials;

    public StaticCredentialsProvider(Credentials credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    public static StaticCredentialsProvider of(String accessId, String accessKeySecret) {
        return new StaticCredentialsProvider(Credentials.of(accessId, accessKeySecret));
    }

    @Override
    public Credentials getCredentials() {
        return credentials;
    }

    @Override
    public String toString() {
        return "StaticCredentialsProvider{" + credentials + "}";
    }
}
