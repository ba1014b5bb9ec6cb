package io.github.mctunnel.flink.sink.stream;

import io.github.mctunnel.client.auth.Credentials;
import io.github.mctunnel.client.auth.RequestSigner;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.endpoint.TunnelEndpointResolver;
import io.github.mctunnel.client.http.HttpTransport;
import io.github.mctunnel.client.http.RetryPolicy;
import io.github.mctunnel.client.http.RetryingCaller;
import io.github.mctunnel.client.http.Sleeper;
import io.github.mctunnel.client.http.TransportSettings;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.TunnelContext;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/** Connects sink writers to the service through the Tunnel client's stream upload sessions. */
@Internal
public final class ClientStreamTunnelConnectionFactory implements StreamTunnelConnectionFactory {

    private static final long serialVersionUID = 1L;

    private final TunnelConnectionOptions options;
    private final String table;

    /** Tunnel form of the static partition ("" when not partitioned), null for dynamic. */
    private final String staticPartition;

    /**
     * @param staticPartition the partition all records go to (empty when the table is not
     *     partitioned), or null for dynamic partitioning
     */
    public ClientStreamTunnelConnectionFactory(
            TunnelConnectionOptions options, String table, PartitionSpec staticPartition) {
        this.options = options;
        this.table = table;
        this.staticPartition = staticPartition == null ? null : staticPartition.toString();
    }

    @Override
    public StreamTunnelConnection connect() throws IOException {
        Credentials credentials =
                options.securityToken() == null
                        ? Credentials.of(options.accessId(), options.accessKeySecret())
                        : Credentials.sts(
                                options.accessId(),
                                options.accessKeySecret(),
                                options.securityToken());
        RequestSigner signer = new RequestSigner(new StaticCredentialsProvider(credentials), null);
        Clock clock = Clock.systemUTC();
        HttpTransport transport =
                new HttpTransport(TransportSettings.defaults(), signer, options.project(), clock);
        RetryingCaller caller =
                new RetryingCaller(
                        transport,
                        RetryPolicy.defaults(),
                        clock,
                        Sleeper.SYSTEM,
                        () -> ThreadLocalRandom.current().nextDouble());
        TunnelEndpointResolver endpoints =
                new TunnelEndpointResolver(
                        URI.create(options.endpoint()),
                        options.tunnelEndpoint() == null
                                ? null
                                : URI.create(options.tunnelEndpoint()),
                        options.project(),
                        options.quotaName(),
                        caller);
        TunnelContext context = new TunnelContext(caller, endpoints, options.quotaName());
        return new ClientStreamTunnelConnection(
                context,
                transport,
                TableIdentifier.of(options.project(), table),
                staticPartition == null ? null : PartitionSpec.parse(staticPartition));
    }

    @Override
    public String toString() {
        return "ClientStreamTunnelConnectionFactory{"
                + options
                + ", table="
                + table
                + (staticPartition == null
                        ? ", dynamic partitions"
                        : ", partition=" + staticPartition)
                + '}';
    }
}
