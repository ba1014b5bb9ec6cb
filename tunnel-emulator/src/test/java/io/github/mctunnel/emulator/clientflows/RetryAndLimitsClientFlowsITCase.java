package io.github.mctunnel.emulator.clientflows;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.DownloadReader;
import io.github.mctunnel.client.session.DownloadSession;
import io.github.mctunnel.client.session.RecordPack;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.github.mctunnel.emulator.clientflows.ClientFlowsFixture.comparable;
import static io.github.mctunnel.emulator.clientflows.ClientFlowsFixture.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Our client's retry policy and client-side limit checks against the emulator's fault plan, limits
 * and retry-policy monitor (real clock; a few retries only).
 */
class RetryAndLimitsClientFlowsITCase {

    private static final RequestMatcher BLOCK_PUT =
            RequestMatcher.of("PUT", "/tables/t").withParam("blockid");

    private TunnelEmulator emulator;
    private TunnelClient client;

    private void start(EmulatorLimits limits, int retrySeconds) throws Exception {
        emulator = ClientFlowsFixture.startEmulator(b -> b.limits(limits));
        client =
                ClientFlowsFixture.clientBuilder(emulator)
                        .retryPolicy(ClientFlowsFixture.servicePolicyWithin(retrySeconds))
                        .build();
        emulator.executeSql("CREATE TABLE t (id BIGINT, name STRING)");
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    private static List<Object[]> rows(int from, int count) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            rows.add(new Object[] {(long) i, "row-" + i + "-ü"});
        }
        return rows;
    }

    private static RecordPack encode(UploadSession session, List<Object[]> rows) throws Exception {
        RecordPack pack = new RecordPack(session.schema().columns(), Compression.DEFLATE, 1 << 20);
        for (Object[] row : rows) {
            pack.append(row);
        }
        pack.finish();
        return pack;
    }

    private List<LoggedRequest> blockWrites(long blockId) {
        return emulator.requestLog()
                .entries(
                        r ->
                                r.method().equals("PUT")
                                        && Long.toString(blockId)
                                                .equals(r.params().get("blockid")));
    }

    @Test
    void blockWritesFollowTheBackoffThroughThrottlingAndSucceed() throws Exception {
        start(EmulatorLimits.defaults(), 60);
        TableIdentifier t = client.table("t");
        UploadSession session = client.createUploadSession(t, PartitionSpec.empty(), false);

        emulator.faultPlan().failNext(2, BLOCK_PUT, 503, "ServiceUnavailable");
        RecordPack first = encode(session, rows(0, 100));
        session.writeBlock(0, "deflate", first.buffer(), 0, first.length());

        emulator.faultPlan().failNext(1, BLOCK_PUT, 429, "FlowExceeded", 1);
        RecordPack second = encode(session, rows(100, 50));
        session.writeBlock(1, "deflate", second.buffer(), 0, second.length());

        assertThat(emulator.faultPlan().pendingCount()).isZero();
        assertThat(emulator.faultPlan().injectedCount()).isEqualTo(3);
        List<LoggedRequest> block0 = blockWrites(0);
        assertThat(block0).extracting(LoggedRequest::status).containsExactly(503, 503, 200);
        assertThat(block0.get(1).atMillis() - block0.get(0).atMillis())
                .isGreaterThanOrEqualTo(1000);
        assertThat(block0.get(2).atMillis() - block0.get(1).atMillis())
                .isGreaterThanOrEqualTo(2000);
        List<LoggedRequest> block1 = blockWrites(1);
        assertThat(block1).extracting(LoggedRequest::status).containsExactly(429, 200);
        assertThat(block1.get(1).atMillis() - block1.get(0).atMillis())
                .isGreaterThanOrEqualTo(1000);
        assertThat(emulator.attackRequests()).isEmpty();

        session.commit(List.of(0L, 1L));
        DownloadSession download = client.createDownloadSession(t, PartitionSpec.empty());
        assertThat(comparable(readAll(download.openReader(0, 150, null, null, false, 1000))))
                .isEqualTo(comparable(rows(0, 150)));
    }

    @Test
    void aDownloadCutMidBodyResumesWithoutDuplicatesOrGaps() throws Exception {
        start(EmulatorLimits.defaults(), 60);
        TableIdentifier t = client.table("t");
        UploadSession session = client.createUploadSession(t, PartitionSpec.empty(), false);
        session.writeRecords(
                0,
                Compression.RAW,
                w -> {
                    for (Object[] row : rows(0, 5000)) {
                        w.write(row);
                    }
                });
        session.commit(List.of(0L));
        DownloadSession download = client.createDownloadSession(t, PartitionSpec.empty());

        emulator.faultPlan()
                .dropResponseNext(
                        1, RequestMatcher.of("GET", "/tables/t").withParam("data"), 20_000);
        List<Object[]> read = new ArrayList<>();
        try (DownloadReader reader =
                download.openReader(0, 5000, null, Compression.RAW, false, 10_000)) {
            Object[] row;
            while ((row = reader.read()) != null) {
                read.add(row.clone());
            }
            assertThat(reader.resumes()).isEqualTo(1);
        }
        assertThat(emulator.faultPlan().injectedCount()).isEqualTo(1);
        assertThat(comparable(read)).isEqualTo(comparable(rows(0, 5000)));
        List<LoggedRequest> gets =
                emulator.requestLog()
                        .entries(r -> r.method().equals("GET") && r.params().containsKey("data"));
        assertThat(gets).hasSize(2);
        assertThat(gets.get(0).params().get("rowrange")).isEqualTo("(0,5000)");
        String resumed = gets.get(1).params().get("rowrange");
        long resumedStart = Long.parseLong(resumed.substring(1, resumed.indexOf(',')));
        assertThat(resumedStart).isPositive();
        assertThat(resumed).isEqualTo("(" + resumedStart + "," + (5000 - resumedStart) + ")");
        assertThat(emulator.attackRequests()).isEmpty();
    }

    @Test
    void blockId20000IsRejectedByTheClientBeforeAnyRequest() throws Exception {
        start(EmulatorLimits.defaults(), 60);
        UploadSession session =
                client.createUploadSession(client.table("t"), PartitionSpec.empty(), false);
        assertThatThrownBy(() -> session.writeRecords(20_000, Compression.RAW, w -> {}))
                .isInstanceOfSatisfying(
                        TunnelException.class,
                        e -> {
                            assertThat(e.errorCode()).isEqualTo(TunnelException.LOCAL_ERROR);
                            assertThat(e.context().blockId()).isEqualTo(20_000L);
                        })
                .hasMessageContaining(
                        "block id 20000 is out of range: block ids must be in [0, 20000)");
        assertThat(blockWrites(20_000)).isEmpty();
        assertThat(emulator.requestLog().entries(r -> r.method().equals("PUT"))).isEmpty();
    }

    @Test
    void sessionRateLimitSurfacesAsFlowExceededOnceTheRetryBudgetIsSpent() throws Exception {
        start(EmulatorLimits.builder().uploadSessionRate(2, Duration.ofMinutes(1)).build(), 2);
        TableIdentifier t = client.table("t");
        client.createUploadSession(t, PartitionSpec.empty(), false);
        client.createUploadSession(t, PartitionSpec.empty(), false);

        // The service asks for ~60 s (Retry-After), beyond the 2 s budget: no pointless retry.
        assertThatThrownBy(() -> client.createUploadSession(t, PartitionSpec.empty(), false))
                .isInstanceOfSatisfying(
                        TunnelException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(429);
                            assertThat(e.errorCode()).isEqualTo("FlowExceeded");
                            assertThat(e.retryAfterMillis()).isGreaterThan(2000);
                            assertThat(e.requestId()).isNotBlank();
                        });
        List<LoggedRequest> creates =
                emulator.requestLog()
                        .entries(
                                r ->
                                        r.method().equals("POST")
                                                && r.params().containsKey("uploads"));
        assertThat(creates).extracting(LoggedRequest::status).containsExactly(200, 200, 429);

        // Throttling answered quickly: retried once after 1 s, then the next 2 s wait would end
        // past the 2 s budget, so the FlowExceeded surfaces. (Another table: the client's back-off
        // gate of table t stays closed for the ~60 s the service asked for.)
        emulator.executeSql("CREATE TABLE t2 (id BIGINT)");
        TableIdentifier t2 = client.table("t2");
        emulator.requestLog().clear();
        emulator.faultPlan()
                .failNext(
                        5,
                        RequestMatcher.of("POST", "/tables/t2").withParam("downloads"),
                        429,
                        "FlowExceeded");
        assertThatThrownBy(() -> client.createDownloadSession(t2, PartitionSpec.empty()))
                .isInstanceOfSatisfying(
                        TunnelException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(429);
                            assertThat(e.errorCode()).isEqualTo("FlowExceeded");
                        });
        List<LoggedRequest> downloads = emulator.requestLog().entries();
        assertThat(downloads).extracting(LoggedRequest::status).containsExactly(429, 429);
        assertThat(downloads.get(1).atMillis() - downloads.get(0).atMillis())
                .isGreaterThanOrEqualTo(1000);
        assertThat(emulator.attackRequests()).isEmpty();
    }

    @Test
    void blocksPerSessionAndFieldSizeLimitsThroughTheClient() throws Exception {
        start(EmulatorLimits.builder().maxBlocksPerSession(3).maxFieldSize(1024).build(), 60);
        TableIdentifier t = client.table("t");
        UploadSession session = client.createUploadSession(t, PartitionSpec.empty(), false);
        assertThat(session.maxFieldSize()).isEqualTo(1024);

        for (long block = 0; block < 3; block++) {
            RecordPack pack = encode(session, rows((int) block, 1));
            session.writeBlock(block, "deflate", pack.buffer(), 0, pack.length());
        }
        RecordPack again = encode(session, rows(10, 1));
        session.writeBlock(2, "deflate", again.buffer(), 0, again.length());
        RecordPack fourth = encode(session, rows(3, 1));
        assertThatThrownBy(
                        () -> session.writeBlock(3, "deflate", fourth.buffer(), 0, fourth.length()))
                .isInstanceOfSatisfying(
                        TunnelException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(400);
                            assertThat(e.errorCode()).isEqualTo("InvalidBlockID");
                            assertThat(e.getMessage()).contains("3 blocks");
                        });

        String tooLong = "ü".repeat(513); // 1026 UTF-8 bytes
        emulator.requestLog().clear();
        assertThatThrownBy(
                        () ->
                                session.writeRecords(
                                        4,
                                        Compression.RAW,
                                        w -> w.write(new Object[] {1L, tooLong})))
                // Caught by the record writer before the value is sent.
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'name' (string): the value is 1026 bytes, more than the field size"
                                + " limit of 1024 bytes (the project setting"
                                + " odps.sql.cfile2.field.maxsize)");
        assertThat(blockWrites(4)).extracting(LoggedRequest::status).doesNotContain(200);
        assertThat(session.blockList()).containsExactlyInAnyOrder(0L, 1L, 2L);

        session.commit(List.of(0L, 1L, 2L));
        DownloadSession download = client.createDownloadSession(t, PartitionSpec.empty());
        assertThat(comparable(readAll(download.openReader(0, 3, null, null, false, 10))))
                .containsExactly(
                        comparable(rows(0, 1)).get(0),
                        comparable(rows(1, 1)).get(0),
                        comparable(rows(10, 1)).get(0));
    }
}
