package io.github.mctunnel.flink.config;

import io.github.mctunnel.client.auth.CredentialsProvider;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;

/**
 * Creates the {@link CredentialsProvider} a connection signs its requests with, instead of a fixed
 * AccessKey: set it with {@link TunnelConnectionOptions.Builder#credentialsProvider}. The factory
 * is shipped with the job (it must be serializable) and called once per client, in the task or
 * coordinator that connects; the provider it returns is asked for credentials before every request,
 * so it may rotate them (e.g. refresh an STS token before it expires).
 *
 * <p>Keep secrets out of the factory's {@code toString()}; the connection options never print it.
 */
@PublicEvolving
@FunctionalInterface
public interface CredentialsProviderFactory extends Serializable {

    /** A provider for one client; never null. */
    CredentialsProvider createProvider();
}
