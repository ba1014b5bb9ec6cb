package io.github.mctunnel.emulator.clientflows;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.fault.RequestLog;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eight threads share one client (one address) and write blocks back to back while 503s are
 * injected: the requests other threads sent before the client saw the throttle are in flight, and
 * after it every thread waits, so the emulator counts no attack request.
 */
class ConcurrentThrottleClientFlowsITCase {

    private static final RequestMatcher BLOCK_PUT =
            RequestMatcher.of("PUT", "/tables/t").withParam("blockid");

    private TunnelEmulator emulator;
    private TunnelClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void threadsSharingAClientNeverRetryEarly() throws Exception {
        emulator =
                ClientFlowsFixture.startEmulator(
                        b ->
                                b.limits(
                                        EmulatorLimits.builder()
                                                .blockRate(
                                                        1_000_000, java.time.Duration.ofMinutes(5))
                                                .build()));
        client =
                ClientFlowsFixture.clientBuilder(emulator)
                        .retryPolicy(ClientFlowsFixture.servicePolicyWithin(60))
                        .build();
        emulator.executeSql("CREATE TABLE t (id BIGINT)");
        TableIdentifier t = client.table("t");
        UploadSession session = client.createUploadSession(t, PartitionSpec.empty(), false);
        io.github.mctunnel.client.session.RecordPack pack =
                new io.github.mctunnel.client.session.RecordPack(
                        session.schema().columns(), Compression.RAW, 1 << 10);
        pack.append(new Object[] {1L});
        pack.finish();
        int threads = 8;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger blocks = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int writer = i;
            futures.add(
                    pool.submit(
                            () -> {
                                int n = 0;
                                while (!stop.get()) {
                                    long id = writer * 1000L + (n++ % 1000);
                                    session.writeBlock(id, "", pack.buffer(), 0, pack.length());
                                    blocks.incrementAndGet();
                                }
                                return null;
                            }));
        }
        for (int round = 0; round < 3; round++) {
            int before = blocks.get();
            while (blocks.get() < before + 200) {
                Thread.sleep(5);
            }
            emulator.faultPlan().failNext(1, BLOCK_PUT, 503, "ServiceUnavailable");
            while (emulator.faultPlan().pendingCount() > 0) {
                Thread.sleep(5);
            }
        }
        int before = blocks.get();
        while (blocks.get() < before + 200) {
            Thread.sleep(5);
        }
        stop.set(true);
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        List<LoggedRequest> log = emulator.requestLog().entries();
        List<LoggedRequest> throttles = new ArrayList<>();
        for (LoggedRequest r : log) {
            if (r.status() == 503) {
                throttles.add(r);
            }
        }
        assertThat(throttles).hasSize(3);
        for (LoggedRequest throttle : throttles) {
            // after the answer reached the client, no thread sent anything during the wait
            assertThat(log)
                    .filteredOn(
                            r ->
                                    r.atMillis()
                                                    >= throttle.atMillis()
                                                            + RequestLog.IN_FLIGHT_GRACE_MILLIS
                                            && r.atMillis() < throttle.atMillis() + 1000)
                    .as("requests during the wait after %s", throttle)
                    .isEmpty();
        }
        assertThat(emulator.attackRequests()).isEmpty();
    }
}
