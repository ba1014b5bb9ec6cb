package io.github.mctunnel.emulator.clientflows;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.RetryPolicy;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.DownloadSession;
import io.github.mctunnel.client.session.RecordPack;
import io.github.mctunnel.client.session.StreamUploadSession;
import io.github.mctunnel.client.session.UpsertRecordLayout;
import io.github.mctunnel.client.session.UpsertSession;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static io.github.mctunnel.emulator.clientflows.ClientFlowsFixture.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our client against an emulator whose clock the test moves: lifetimes, rate windows, the upsert
 * commit interval and stream slot idle timeouts pass without the test waiting. The client does not
 * retry, so each refusal is seen as it is.
 */
class SimulatedTimeClientFlowsITCase {

    private TunnelEmulator emulator;
    private TunnelClient client;

    private void start(EmulatorLimits limits) throws Exception {
        emulator = ClientFlowsFixture.startEmulator(b -> b.limits(limits));
        client = ClientFlowsFixture.clientBuilder(emulator).retryPolicy(RetryPolicy.none()).build();
    }

    /**
     * Like {@link #start}, with a client whose clock follows the emulator's (real time plus the
     * offset the test moved it by; within the service's 15-minute signature skew): its back-off
     * after a throttle ends when the emulator's time has passed it, as for a client that waited.
     */
    private Clock following;

    /**
     * A client of another process on the emulator's time: the back-off the service demanded of
     * {@link #client} after a throttle does not hold it (its requests come from another address).
     */
    private TunnelClient anotherProcess() {
        TunnelClient other =
                ClientFlowsFixture.clientBuilder(emulator)
                        .retryPolicy(RetryPolicy.none())
                        .clock(following)
                        .build();
        others.add(other);
        return other;
    }

    private final java.util.List<TunnelClient> others = new java.util.ArrayList<>();

    private void startOnTheEmulatorsTime(EmulatorLimits limits) throws Exception {
        start(limits);
        client.close();
        following =
                new Clock() {
                    @Override
                    public ZoneId getZone() {
                        return ZoneOffset.UTC;
                    }

                    @Override
                    public Clock withZone(ZoneId zone) {
                        return this;
                    }

                    @Override
                    public Instant instant() {
                        return Instant.now().plus(emulator.clock().offset());
                    }
                };
        client =
                ClientFlowsFixture.clientBuilder(emulator)
                        .retryPolicy(RetryPolicy.none())
                        .clock(following)
                        .build();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        for (TunnelClient other : others) {
            other.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    private static TunnelException refused(Executable call) {
        try {
            call.execute();
        } catch (TunnelException e) {
            return e;
        } catch (Throwable e) {
            throw new AssertionError("expected a TunnelException, got " + e, e);
        }
        throw new AssertionError("expected a TunnelException, the call succeeded");
    }

    @Test
    void sessionsExpireWhenTheClockPassesTheirLifetime() throws Exception {
        start(EmulatorLimits.defaults());
        emulator.executeSql("CREATE TABLE t (id BIGINT, name STRING)");
        emulator.executeSql(
                "CREATE TABLE d (k BIGINT NOT NULL, v STRING, PRIMARY KEY (k)) TBLPROPERTIES"
                        + " (\"transactional\"=\"true\", \"write.bucket.num\"=\"1\")");
        TableIdentifier t = client.table("t");
        TableIdentifier d = client.table("d");
        PartitionSpec none = PartitionSpec.empty();
        String upload = client.createUploadSession(t, none, false).id();
        String download = client.createDownloadSession(t, none).id();
        String upsert = client.createUpsertSession(d, none, 1).id();

        // 23 hours later every session is still alive.
        emulator.advanceClock(Duration.ofHours(23));
        assertThat(client.attachUploadSession(t, none, upload).id()).isEqualTo(upload);
        assertThat(client.attachDownloadSession(t, none, download).id()).isEqualTo(download);
        assertThat(client.attachUpsertSession(d, none, upsert).id()).isEqualTo(upsert);

        // Two more hours: the 24 h lifetime has passed.
        emulator.advanceClock(Duration.ofHours(2));
        assertThat(emulator.clock().offset()).isEqualTo(Duration.ofHours(25));
        TunnelException expiredUpload = refused(() -> client.attachUploadSession(t, none, upload));
        assertThat(expiredUpload.httpStatus()).isEqualTo(404);
        assertThat(expiredUpload.errorCode()).isEqualTo("NoSuchUpload");
        assertThat(expiredUpload.serviceMessage())
                .isEqualTo("The upload session " + upload + " has expired (sessions live PT24H)");
        TunnelException expiredDownload =
                refused(() -> client.attachDownloadSession(t, none, download));
        assertThat(expiredDownload.errorCode()).isEqualTo("NoSuchDownload");
        assertThat(expiredDownload.serviceMessage()).contains("has expired");
        TunnelException expiredUpsert = refused(() -> client.attachUpsertSession(d, none, upsert));
        assertThat(expiredUpsert.httpStatus()).isEqualTo(404);
        assertThat(expiredUpsert.serviceMessage()).contains("has expired");

        // An expired session no longer counts as open; new sessions start a new lifetime.
        assertThat(emulator.stats(t).openUploadSessions()).isZero();
        String fresh = client.createUploadSession(t, none, false).id();
        emulator.advanceClock(Duration.ofHours(23));
        assertThat(client.attachUploadSession(t, none, fresh).id()).isEqualTo(fresh);
    }

    @Test
    void aSecondUpsertCommitOnAPartitionWithinTheIntervalIsRefusedUntilTheClockPassesIt()
            throws Exception {
        startOnTheEmulatorsTime(EmulatorLimits.defaults());
        emulator.executeSql(
                "CREATE TABLE d (k BIGINT NOT NULL, v STRING, PRIMARY KEY (k)) PARTITIONED BY (ds"
                        + " STRING) TBLPROPERTIES (\"transactional\"=\"true\","
                        + " \"write.bucket.num\"=\"1\")");
        emulator.executeSql("ALTER TABLE d ADD PARTITION (ds='1')");
        emulator.executeSql("ALTER TABLE d ADD PARTITION (ds='2')");
        TableIdentifier d = client.table("d");
        PartitionSpec one = PartitionSpec.parse("ds=1");
        PartitionSpec two = PartitionSpec.parse("ds=2");

        upsert(d, one, 1L, "first");
        UpsertSession second = upsertWithoutCommit(d, one, 2L, "second");
        emulator.advanceClock(Duration.ofSeconds(30));
        TunnelException flow = refused(second::commit);
        assertThat(flow.httpStatus()).isEqualTo(429);
        assertThat(flow.errorCode()).isEqualTo("FlowExceeded");
        assertThat(flow.serviceMessage()).isEqualTo("CommitUpsert QPS Quota exceeded");
        // Another partition has its own interval (another process: this one must wait out the
        // throttle on the table).
        TunnelClient mine = client;
        client = anotherProcess();
        upsert(d, two, 3L, "other partition");
        client = mine;

        emulator.advanceClock(Duration.ofSeconds(31));
        second.commit();
        assertThat(emulator.committedRows(d, one))
                .extracting(r -> utf8(r[1]))
                .containsExactlyInAnyOrder("first", "second");
        assertThat(emulator.stats(d).upsertCommits()).isEqualTo(3);
    }

    @Test
    void anExhaustedRateWindowIsFreeAgainOnceTheClockPassesIt() throws Exception {
        startOnTheEmulatorsTime(
                EmulatorLimits.builder()
                        .uploadSessionRate(3, Duration.ofMinutes(5))
                        .downloadSessionRate(2, Duration.ofMinutes(5))
                        .build());
        emulator.executeSql("CREATE TABLE t (id BIGINT, name STRING)");
        TableIdentifier t = client.table("t");
        PartitionSpec none = PartitionSpec.empty();
        for (int i = 0; i < 3; i++) {
            client.createUploadSession(t, none, false);
        }
        client.createDownloadSession(t, none);
        client.createDownloadSession(t, none);
        emulator.advanceClock(Duration.ofMinutes(4));

        TunnelException uploads = refused(() -> client.createUploadSession(t, none, false));
        assertThat(uploads.httpStatus()).isEqualTo(429);
        assertThat(uploads.errorCode()).isEqualTo("FlowExceeded");
        assertThat(uploads.serviceMessage())
                .contains("exceeded its quota of 3 UploadSessions created per 5 min");
        // downloads have their own window (another process: this one must wait out the throttle)
        assertThat(refused(() -> anotherProcess().createDownloadSession(t, none)).errorCode())
                .isEqualTo("FlowExceeded");

        emulator.advanceClock(Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            client.createUploadSession(t, none, false);
        }
        DownloadSession again = client.createDownloadSession(t, none);
        assertThat(again.recordCount()).isZero();
        assertThat(emulator.stats(t).uploadSessionsCreated()).isEqualTo(6);
    }

    @Test
    void anIdleStreamSessionFreesItsSlotsWhenTheClockPassesTheIdleTimeout() throws Exception {
        startOnTheEmulatorsTime(EmulatorLimits.builder().maxSlotsPerPartition(1).build());
        emulator.executeSql("CREATE TABLE s (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
        TableIdentifier s = client.table("s");
        PartitionSpec ds = PartitionSpec.parse("ds=1");
        StreamUploadSession first = client.createStreamUploadSession(s, ds, true, false, 1);

        emulator.advanceClock(Duration.ofSeconds(59));
        TunnelException slots =
                refused(() -> client.createStreamUploadSession(s, ds, true, false, 1));
        assertThat(slots.httpStatus()).isEqualTo(429);
        assertThat(slots.errorCode()).isEqualTo("SlotExceeded");

        emulator.advanceClock(Duration.ofSeconds(1));
        StreamUploadSession second = client.createStreamUploadSession(s, ds, true, false, 1);
        RecordPack pack = new RecordPack(second.schema().columns(), Compression.RAW, 1 << 20);
        pack.append(new Object[] {1L, "from the second session"});
        second.flush(null, pack);
        assertThat(emulator.committedRows(s, ds))
                .extracting(r -> utf8(r[1]))
                .containsExactly("from the second session");
        assertThat(first.id()).isNotEqualTo(second.id());
    }

    private void upsert(TableIdentifier table, PartitionSpec partition, long k, String v)
            throws Exception {
        upsertWithoutCommit(table, partition, k, v).commit();
    }

    private UpsertSession upsertWithoutCommit(
            TableIdentifier table, PartitionSpec partition, long k, String v) throws Exception {
        UpsertSession session = client.createUpsertSession(table, partition, 1);
        UpsertRecordLayout layout = session.recordLayout();
        RecordPack pack = session.newPack(Compression.RAW, 1 << 20);
        Object[] row = layout.newRow();
        layout.fill(row, new Object[] {k, v}, UpsertRecordLayout.OPERATION_UPSERT, List.of());
        pack.append(row);
        session.flush(0, pack);
        return session;
    }
}
