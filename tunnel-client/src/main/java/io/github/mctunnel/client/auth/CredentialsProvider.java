package io.github.mctunnel.client.auth;

/**
 * Supplies the credentials used to sign a request. Called once per request (and once per retry), so
 * implementations may rotate credentials, e.g. refresh an STS token before it expires.
 */
@FunctionalInterface
public interface CredentialsProvider {

    /** The credentials to sign the next request with; never null. */
    Credentials getCredentials();
}
