package io.github.mctunnel.flink.config;

import io.github.mctunnel.client.auth.AliyunCredentialsProvider;
import io.github.mctunnel.client.auth.CredentialsProvider;

import org.apache.flink.annotation.PublicEvolving;

import java.util.Objects;

/**
 * Credentials from Alibaba Cloud's credentials library ({@code com.aliyun:credentials-java}): its
 * default chain or one of its providers of temporary STS credentials, as {@code
 * 'credentials.provider'} selects them in SQL. Only the selection travels with the job; each task
 * builds the library's provider when it connects, from the environment it runs in (environment
 * variables, the ECS metadata service, the OIDC token file of its pod), and the library refreshes
 * temporary credentials before they expire, without a restart.
 *
 * <pre>{@code
 * TunnelConnectionOptions.builder()
 *         .endpoint(...).project(...)
 *         .credentialsProvider(AliyunCredentialsProviderFactory.defaultChain())
 *         .build();
 * }</pre>
 */
@PublicEvolving
public final class AliyunCredentialsProviderFactory implements CredentialsProviderFactory {

    private static final long serialVersionUID = 1L;

    private final AliyunCredentialsProvider.Source source;
    private final String credentialsUri;

    private AliyunCredentialsProviderFactory(
            AliyunCredentialsProvider.Source source, String credentialsUri) {
        this.source = Objects.requireNonNull(source, "source");
        this.credentialsUri = credentialsUri;
    }

    /** The library's default credentials chain. */
    public static AliyunCredentialsProviderFactory defaultChain() {
        return of(AliyunCredentialsProvider.Source.DEFAULT_CHAIN);
    }

    /** The given source, configured by the library's environment variables. */
    public static AliyunCredentialsProviderFactory of(AliyunCredentialsProvider.Source source) {
        return new AliyunCredentialsProviderFactory(source, null);
    }

    /**
     * The credentials served by {@code uri} (e.g. a sidecar's credentials endpoint), instead of
     * {@code ALIBABA_CLOUD_CREDENTIALS_URI}.
     */
    public static AliyunCredentialsProviderFactory credentialsUri(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("The credentials URI must not be blank");
        }
        return new AliyunCredentialsProviderFactory(
                AliyunCredentialsProvider.Source.CREDENTIALS_URI, uri.trim());
    }

    public AliyunCredentialsProvider.Source source() {
        return source;
    }

    @Override
    public CredentialsProvider createProvider() {
        try {
            return credentialsUri != null
                    ? AliyunCredentialsProvider.credentialsUri(credentialsUri)
                    : AliyunCredentialsProvider.create(source);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException(
                    "The "
                            + source.id()
                            + " credentials need Alibaba Cloud's credentials library"
                            + " (com.aliyun:credentials-java) on the class path; "
                            + e.getMessage()
                            + " is missing",
                    e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AliyunCredentialsProviderFactory
                && source == ((AliyunCredentialsProviderFactory) o).source
                && Objects.equals(
                        credentialsUri, ((AliyunCredentialsProviderFactory) o).credentialsUri);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, credentialsUri);
    }

    /** The source, e.g. {@code default-chain}; never a credential. */
    @Override
    public String toString() {
        return source.id();
    }
}
