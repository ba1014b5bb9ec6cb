package io.github.mctunnel.client.session;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.http.FakeHttpServer;
import io.github.mctunnel.client.http.FakeHttpServer.Recorded;
import io.github.mctunnel.client.http.FakeHttpServer.Reply;
import io.github.mctunnel.client.http.FakeTime;
import io.github.mctunnel.client.schema.PartitionSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamAndUpsertSessionTest {

    private FakeHttpServer server;
    private FakeTime time;
    private TunnelClient client;

    @BeforeEach
    void setUp() throws Exception {
        server = new FakeHttpServer();
        time = SessionTestSupport.time();
        client =
                TunnelClient.builder()
                        .odpsEndpoint("http://127.0.0.1:1/api")
                        .tunnelEndpoint(server.uri().toString())
                        .project("p")
                        .credentialsProvider(
                                () -> io.github.mctunnel.client.auth.Credentials.of("ak", "sk"))
                        .clock(time)
                        .sleeper(time)
                        .jitter(() -> 0.0)
                        .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close();
        server.close();
    }

    private static String stream(String slots) {
        return "{\"session_name\":\"S1\",\"status\":\"normal\",\"schema_version\":3,\"schema\":"
                + SessionTestSupport.SCHEMA
                + ",\"slots\":["
                + slots
                + "]}";
    }

    private static final byte[] PACK = "pack".getBytes(StandardCharsets.UTF_8);

    @Test
    void streamFlushesRoundRobinAndFollowsRouting() throws Exception {
        server.script(
                Reply.json(stream("[1,\"h1:1\"],[\"2\",\"h2:2\"]")),
                Reply.of(
                        200,
                        "",
                        "odps-tunnel-slot-num",
                        "2",
                        "odps-tunnel-routed-server",
                        "h9:9",
                        "x-odps-request-id",
                        "r1",
                        "odps-tunnel-batch-id",
                        "17"),
                Reply.of(
                        200,
                        "",
                        "odps-tunnel-slot-num",
                        "3",
                        "odps-tunnel-routed-server",
                        "h2:2",
                        "x-odps-request-id",
                        "r2"),
                Reply.json(stream("[1,\"h9:9\"],[2,\"h2:2\"],[3,\"h3:3\"]")));
        StreamUploadSession s =
                client.createStreamUploadSession(
                        client.table("t"), PartitionSpec.parse("pt=1"), true, false, 2);
        Recorded create = server.requests().get(0);
        assertThat(create.rawTarget())
                .isEqualTo(
                        "/projects/p/tables/t/streams?partition=pt%3D1&create_partition&curr_project=p");
        assertThat(create.header("odps-tunnel-slot-num")).isEqualTo("2");
        assertThat(create.header("odps-tunnel-sdk-support-schema-evolution")).isEqualTo("true");

        FlushResult first = s.flush("deflate", PACK, 0, PACK.length, 5);
        assertThat(first).isEqualTo(new FlushResult("r1", 17, "1"));
        assertThat(s.slots().get(0)).isEqualTo(new StreamUploadSession.Slot("1", "h9:9"));
        FlushResult second = s.flush("deflate", PACK, 0, PACK.length, 5);
        assertThat(second).isEqualTo(new FlushResult("r2", -1, "2"));
        assertThat(s.slots()).hasSize(3);

        Recorded put = server.requests().get(1);
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.params())
                .containsEntry("uploadid", "S1")
                .containsEntry("slotid", "1")
                .containsEntry("schema_version", "3")
                .containsEntry("record_count", "5")
                .containsEntry("check_latest_schema", "false")
                .containsEntry("partition", "pt=1");
        assertThat(put.header("odps-tunnel-slot-num")).isEqualTo("2");
        assertThat(put.header("odps-tunnel-routed-server")).isEqualTo("h1:1");
        assertThat(put.header("Content-Length")).isEqualTo("4");
        assertThat(put.header("Content-Encoding")).isEqualTo("deflate");
        assertThat(server.requests().get(2).params()).containsEntry("slotid", "2");
        Recorded reload = server.requests().get(3);
        assertThat(reload.method()).isEqualTo("GET");
        assertThat(reload.params())
                .containsEntry("uploadid", "S1")
                .containsEntry("schema_version", "3");
    }

    @Test
    void streamFlushReloadsAfterBadGatewayAndResendsThePack() throws Exception {
        server.script(
                Reply.json(stream("[1,\"h1:1\"]")),
                Reply.of(502, "{\"Code\":\"BadGateway\",\"Message\":\"moved\"}"),
                Reply.json(stream("[7,\"h7:7\"]")),
                Reply.of(
                        200, "", "odps-tunnel-slot-num", "1", "odps-tunnel-routed-server", "h7:7"));
        StreamUploadSession s =
                client.createStreamUploadSession(
                        client.table("t"), PartitionSpec.empty(), false, false, 0);
        FlushResult r = s.flush("deflate", PACK, 0, PACK.length, 1);
        assertThat(r.slotId()).isEqualTo("7");
        assertThat(server.requests())
                .extracting(Recorded::method)
                .containsExactly("POST", "PUT", "GET", "PUT");
        assertThat(server.requests().get(3).body()).isEqualTo(PACK);
        assertThat(time.sleeps()).containsExactly(1000L);
        assertThat(r.retries()).isEqualTo(1);
        assertThat(r.backoffMillis()).isEqualTo(1000L);
    }

    @Test
    void throttledStreamFlushReportsItsRetriesAndBackOff() throws Exception {
        server.script(
                Reply.json(stream("[1,\"h1:1\"]")),
                Reply.of(429, "{\"Code\":\"SlotExceeded\",\"Message\":\"full\"}"),
                Reply.of(
                        429,
                        "{\"Code\":\"FlowExceeded\",\"Message\":\"slow down\"}",
                        "Retry-After",
                        "5"),
                Reply.of(
                        200,
                        "",
                        "odps-tunnel-slot-num",
                        "1",
                        "odps-tunnel-routed-server",
                        "h1:1",
                        "x-odps-request-id",
                        "r3"));
        StreamUploadSession s =
                client.createStreamUploadSession(
                        client.table("t"), PartitionSpec.empty(), false, false, 0);
        FlushResult r = s.flush("deflate", PACK, 0, PACK.length, 1);
        assertThat(r).isEqualTo(new FlushResult("r3", -1, "1", 2, 1000L + 5000L));
        assertThat(time.sleeps()).containsExactly(1000L, 5000L);
    }

    private static String upsert(String status) {
        return "{\"id\":\"UPS\",\"status\":\""
                + status
                + "\",\"schema\":"
                + SessionTestSupport.SCHEMA
                + ",\"hash_key\":[\"a\"],\"hasher\":\"default\",\"slots\":["
                + "{\"slot_id\":\"1\",\"buckets\":[0,2],\"worker_addr\":\"w1:1\"},"
                + "{\"slot_id\":2,\"buckets\":[1],\"worker_addr\":\"w2:2\"}]}";
    }

    @Test
    void upsertRoutesBucketsToSlotsAndCommitsUntilCommitted() throws Exception {
        server.script(
                Reply.json(upsert("normal")),
                Reply.json("{}"),
                Reply.json(upsert("committing")),
                Reply.json(upsert("committing")),
                Reply.json(upsert("committed")));
        UpsertSession s = client.createUpsertSession(client.table("t"), PartitionSpec.empty(), 2);
        assertThat(s.bucketCount()).isEqualTo(3);
        assertThat(s.hashKeys()).containsExactly("a");
        assertThat(server.requests().get(0).rawTarget())
                .isEqualTo("/projects/p/tables/t/upserts?slotnum=2&curr_project=p");

        s.flush(1, "deflate", PACK, 0, PACK.length, 2);
        Recorded put = server.requests().get(1);
        assertThat(put.params())
                .containsEntry("upsertid", "UPS")
                .containsEntry("bucketid", "1")
                .containsEntry("slotid", "2")
                .containsEntry("record_count", "2");
        assertThat(put.header("odps-tunnel-routed-server")).isEqualTo("w2:2");
        assertThat(put.header("Content-Type")).isNull();

        s.commit();
        assertThat(server.requests().get(2).header("odps-tunnel-routed-server")).isEqualTo("w1:1");
        assertThat(server.requests())
                .extracting(Recorded::method)
                .containsExactly("POST", "PUT", "POST", "POST", "POST");
        assertThat(time.sleeps()).containsExactly(1000L, 2000L);
        assertThat(s.status()).isEqualTo("committed");
    }

    @Test
    void upsertSessionNotFoundDuringTheCommitLoopMeansCommitted() throws Exception {
        server.script(
                Reply.json(upsert("normal")),
                Reply.json(upsert("committing")),
                Reply.of(404, "{\"Code\":\"UpsertSessionNotFound\",\"Message\":\"gone\"}"));
        UpsertSession s = client.createUpsertSession(client.table("t"), PartitionSpec.empty(), 1);
        s.commit();
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void upsertRejectsIncompleteSessionsAndBadBuckets() throws Exception {
        server.script(Reply.json("{\"id\":\"X\",\"status\":\"normal\"}"));
        assertThatThrownBy(
                        () ->
                                client.createUpsertSession(
                                        client.table("t"), PartitionSpec.empty(), 1))
                .hasMessage(
                        "create upsert session of p.t (session=X) failed: ErrorCode=LocalError,"
                                + " ErrorMessage=the upsert session response has no 'schema'");
        server.script(Reply.json(upsert("normal")));
        UpsertSession s = client.createUpsertSession(client.table("t"), PartitionSpec.empty(), 1);
        assertThatThrownBy(() -> s.flush(3, null, PACK, 0, 4, 1))
                .hasMessageEndingWith("ErrorMessage=bucket 3 is out of range [0, 3)");
    }

    @Test
    void upsertLayoutAppendsTheMetaColumns() throws Exception {
        server.script(Reply.json(upsert("normal")));
        UpsertSession s = client.createUpsertSession(client.table("t"), PartitionSpec.empty(), 1);
        UpsertRecordLayout layout = s.recordLayout();
        assertThat(layout.columns())
                .extracting(c -> c.name())
                .containsExactly(
                        "a",
                        "b",
                        "__version",
                        "__app_version",
                        "__operation",
                        "__key_cols",
                        "__value_cols");
        Object[] row = layout.newRow();
        layout.fill(row, new Object[] {5L, "x"}, UpsertRecordLayout.OPERATION_DELETE);
        assertThat(row).containsExactly(5L, "x", null, null, (byte) 'D', null, List.of());
        assertThatThrownBy(
                        () ->
                                layout.fill(
                                        row,
                                        new Object[] {null, "x"},
                                        UpsertRecordLayout.OPERATION_UPSERT))
                .hasMessage("primary key column 'a' must not be null");
    }
}
