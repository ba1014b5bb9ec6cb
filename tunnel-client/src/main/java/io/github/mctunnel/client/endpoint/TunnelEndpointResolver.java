package io.github.mctunnel.client.endpoint;

import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.RetryingCaller;
import io.github.mctunnel.client.http.TunnelRequest;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The tunnel endpoint: the configured one, or discovered once with {@code GET
 * <odps>/projects/{p}/tunnel?service[&quotaName=]} (body {@code host[:port]}, scheme of the ODPS
 * endpoint) and cached for the life of the client.
 */
public final class TunnelEndpointResolver {

    private final URI odpsEndpoint;
    private final URI configured;
    private final String project;
    private final String quotaName;
    private final RetryingCaller caller;
    private volatile URI discovered;

    /**
     * @param configured explicit tunnel endpoint, or null to discover it
     */
    public TunnelEndpointResolver(
            URI odpsEndpoint,
            URI configured,
            String project,
            String quotaName,
            RetryingCaller caller) {
        this.odpsEndpoint = Objects.requireNonNull(odpsEndpoint, "odpsEndpoint");
        this.configured = configured;
        this.project = Objects.requireNonNull(project, "project");
        this.quotaName = quotaName;
        this.caller = caller;
    }

    /** The tunnel endpoint, discovering it on first use. */
    public URI tunnelEndpoint() throws TunnelException {
        if (configured != null) {
            return configured;
        }
        URI uri = discovered;
        if (uri == null) {
            synchronized (this) {
                uri = discovered;
                if (uri == null) {
                    uri = discover();
                    discovered = uri;
                }
            }
        }
        return uri;
    }

    private URI discover() throws TunnelException {
        ErrorContext context = ErrorContext.of("discover tunnel endpoint of project " + project);
        TunnelRequest request =
                TunnelRequest.builder("GET", odpsEndpoint, ResourcePaths.tunnelDiscovery(project))
                        .param("service", null)
                        .paramIfPresent("quotaName", quotaName)
                        .context(context)
                        .build();
        String host =
                caller.call(
                        request,
                        response -> {
                            try (InputStream in = response.body()) {
                                return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                            }
                        });
        if (host.isEmpty() || host.contains("/") || host.contains(" ")) {
            throw TunnelException.local(
                    context,
                    "the service returned no usable tunnel endpoint ('"
                            + host
                            + "'); set the tunnel endpoint explicitly");
        }
        try {
            return URI.create(odpsEndpoint.getScheme() + "://" + host);
        } catch (IllegalArgumentException e) {
            throw TunnelException.local(context, "invalid tunnel endpoint '" + host + "'");
        }
    }
}
