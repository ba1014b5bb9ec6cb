package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.Credentials;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;

/** Builds the Tunnel client of a writer or of the committer from the connection settings. */
@Internal
public final class UpsertClientFactory implements Serializable {

    private static final long serialVersionUID = 1L;

    private final TunnelConnectionOptions options;

    public UpsertClientFactory(TunnelConnectionOptions options) {
        this.options = options;
    }

    public String project() {
        return options.project();
    }

    public TunnelClient create() {
        Credentials credentials =
                options.securityToken() == null
                        ? Credentials.of(options.accessId(), options.accessKeySecret())
                        : Credentials.sts(
                                options.accessId(),
                                options.accessKeySecret(),
                                options.securityToken());
        return TunnelClient.builder()
                .odpsEndpoint(options.endpoint())
                .tunnelEndpoint(options.tunnelEndpoint())
                .project(options.project())
                .quotaName(options.quotaName())
                .credentialsProvider(new StaticCredentialsProvider(credentials))
                .build();
    }

    @Override
    public String toString() {
        return "UpsertClientFactory{" + options + "}";
    }
}
