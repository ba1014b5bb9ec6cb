package io.github.mctunnel.flink.client;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;

class SharedTunnelClientsTest {

    private final ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor();
    private final List<TunnelClient> built = new ArrayList<>();

    @AfterEach
    void stop() {
        closer.shutdownNow();
    }

    private static TunnelConnectionOptions options(String project) {
        return TunnelConnectionOptions.builder()
                .endpoint("http://127.0.0.1:1/api")
                .tunnelEndpoint("http://127.0.0.1:1")
                .project(project)
                .accessKey("ak", "sk")
                .build();
    }

    private SharedTunnelClients holder(Duration linger) {
        return new SharedTunnelClients(
                o -> {
                    TunnelClient c = o.clientBuilder().build();
                    built.add(c);
                    return c;
                },
                linger,
                closer);
    }

    @Test
    void leasesOfOneConnectionShareOneClientUntilTheLastIsReleased() {
        SharedTunnelClients holder = holder(Duration.ZERO);
        TunnelClientLease a = holder.acquire(options("p"));
        TunnelClientLease b = holder.acquire(options("p"));
        TunnelClientLease other = holder.acquire(options("q"));

        assertThat(a.client()).isSameAs(b.client());
        assertThat(other.client()).isNotSameAs(a.client());
        assertThat(built).hasSize(2);
        assertThat(holder.leaseCount(options("p"))).isEqualTo(2);

        a.close();
        a.close(); // a second close releases nothing more
        assertThat(holder.leaseCount(options("p"))).isEqualTo(1);
        assertThat(holder.isOpen(options("p"))).isTrue();
        b.close();
        assertThat(holder.isOpen(options("p"))).isFalse();
        assertThat(holder.isOpen(options("q"))).isTrue();

        TunnelClientLease again = holder.acquire(options("p"));
        assertThat(again.client()).isNotSameAs(b.client());
        assertThat(built).hasSize(3);
    }

    @Test
    void aRestartedTaskGetsTheLingeringClientBackWithItsBackOff() {
        SharedTunnelClients holder = holder(Duration.ofHours(1));
        TunnelClientLease first = holder.acquire(options("p"));
        first.close();
        assertThat(holder.leaseCount(options("p"))).isZero();
        assertThat(holder.isOpen(options("p"))).isTrue();

        TunnelClientLease restarted = holder.acquire(options("p"));
        assertThat(restarted.client()).isSameAs(first.client());
        assertThat(built).hasSize(1);
    }
}
