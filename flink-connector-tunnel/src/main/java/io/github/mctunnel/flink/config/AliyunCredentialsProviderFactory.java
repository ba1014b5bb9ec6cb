package io.github.mctunnel.flink.config;

import io.github.mctunnel.client.auth.AliyunCredentialsProvider;
import io.github.mctunnel.client.auth.CredentialsProvider;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Credentials from Alibaba Cloud's credentials library ({@code com.aliyun:credentials-java}): its
 * default chain or one of its providers of temporary STS credentials, as {@code
 * 'credentials.provider'} selects them in SQL. Only the selection travels with the job; each task
 * builds the library's provider when it connects, from the environment it runs in (environment
 * variables, the ECS metadata service, the OIDC token file of its pod), and the library refreshes
 * temporary credentials before they expire, without a restart.
 *
 * <p>Providers are shared per JVM: every client of a TaskManager (each split reader, the planner,
 * the enumerator, the catalog) with the same source and URI gets the same provider, so the source
 * is asked once per refresh, not once per client.
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

    /** The providers of this JVM, one per source and URI (never closed: they hold no threads). */
    private static final ConcurrentMap<String, AliyunCredentialsProvider> SHARED =
            new ConcurrentHashMap<>();

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

    /** The JVM's provider of this source and URI (created on first use, then shared). */
    @Override
    public CredentialsProvider createProvider() {
        String key = source.id() + (credentialsUri == null ? "" : " " + credentialsUri);
        AliyunCredentialsProvider shared = SHARED.get(key);
        if (shared != null) {
            return shared;
        }
        return SHARED.computeIfAbsent(key, k -> newProvider());
    }

    /**
     * Forgets the shared providers, so that the next clients build new ones (for tests that change
     * the library's environment between jobs of one JVM).
     */
    @VisibleForTesting
    public static void clearSharedProviders() {
        SHARED.clear();
    }

    private AliyunCredentialsProvider newProvider() {
        try {
            return credentialsUri != null
                    ? AliyunCredentialsProvider.credentialsUri(credentialsUri)
                    : AliyunCredentialsProvider.create(source);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException(
                    "The "
                            + source.id()
                            + " credentials need Alibaba Cloud's credentials library"
                            + " (com.aliyun:credentials-java:1.0.3, with com.aliyun:tea:1.4.2) on"
                            + " the class path; "
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
