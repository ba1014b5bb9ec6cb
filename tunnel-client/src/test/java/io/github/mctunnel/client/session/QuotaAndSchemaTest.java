package io.github.mctunnel.client.session;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.http.FakeHttpServer;
import io.github.mctunnel.client.http.FakeHttpServer.Recorded;
import io.github.mctunnel.client.http.FakeHttpServer.Reply;
import io.github.mctunnel.client.http.FakeTime;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code quotaName} and three-level (schema) names on the wire: which calls carry the quota, where
 * the schema goes (tunnel path vs. {@code curr_schema}), and that {@code curr_project} is always
 * the client's default project.
 */
class QuotaAndSchemaTest {

    private FakeHttpServer server;
    private FakeTime time;
    private TunnelClient client;

    @BeforeEach
    void setUp() throws Exception {
        server = new FakeHttpServer();
        time = SessionTestSupport.time();
        server.handler(this::serve);
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close();
        server.close();
    }

    private static final byte[] PACK = "pack".getBytes(StandardCharsets.UTF_8);

    private static String upload(String status, String blocks) {
        return "{\"UploadID\":\"UP1\",\"Status\":\""
                + status
                + "\",\"Schema\":"
                + SessionTestSupport.FLAT_SCHEMA
                + ",\"UploadedBlockList\":["
                + blocks
                + "],\"MaxFieldSize\":1024,\"QuotaName\":\"q1\"}";
    }

    /** A stateless tunnel + meta service for one table. */
    private Reply serve(Recorded r) {
        String path = r.path();
        var p = r.params();
        if (path.equals("/api/projects/p/tunnel")) {
            return Reply.of(200, server.hostPort());
        }
        if (path.startsWith("/api/")) {
            if (p.containsKey("partitions")) {
                return Reply.of(200, "<Partitions><Marker></Marker></Partitions>");
            }
            return Reply.of(
                    200,
                    "<?xml version=\"1.0\"?><Table><Name>t</Name><Schema format=\"json\"><![CDATA["
                            + "{\"columns\":[{\"name\":\"a\",\"type\":\"bigint\"}],"
                            + "\"partitionKeys\":[]}]]></Schema></Table>");
        }
        if (path.endsWith("/streams")) {
            return r.method().equals("POST")
                    ? Reply.json(
                            "{\"session_name\":\"S1\",\"status\":\"normal\",\"schema_version\":0,"
                                    + "\"schema\":"
                                    + SessionTestSupport.FLAT_SCHEMA
                                    + ",\"slots\":[[1,\""
                                    + server.hostPort()
                                    + "\"]]}")
                    : Reply.of(200, "", "odps-tunnel-slot-num", "1");
        }
        if (path.endsWith("/upserts")) {
            if (r.method().equals("PUT")) {
                return Reply.json("{}");
            }
            return Reply.json(
                    "{\"id\":\"UPS\",\"status\":\""
                            + (p.containsKey("upsertid") ? "committed" : "normal")
                            + "\",\"schema\":"
                            + SessionTestSupport.FLAT_SCHEMA
                            + ",\"hash_key\":[\"a\"],\"hasher\":\"default\",\"slots\":["
                            + "{\"slot_id\":\"1\",\"buckets\":[0],\"worker_addr\":\""
                            + server.hostPort()
                            + "\"}]}");
        }
        if (p.containsKey("uploads")) {
            return Reply.json(upload("normal", ""));
        }
        if (p.containsKey("blockid")) {
            return Reply.json("{}");
        }
        if (p.containsKey("uploadid")) {
            return Reply.json(
                    r.method().equals("GET")
                            ? upload("normal", "{\"BlockID\":0}")
                            : upload("closed", "{\"BlockID\":0}"));
        }
        if (p.containsKey("downloads") || p.containsKey("downloadid") && !p.containsKey("data")) {
            return Reply.json(
                    "{\"DownloadID\":\"DL1\",\"Status\":\"normal\",\"RecordCount\":2,\"Schema\":"
                            + SessionTestSupport.FLAT_SCHEMA
                            + "}");
        }
        if (p.containsKey("data")) {
            return Reply.of(200, SessionTestSupport.rows(0, 2));
        }
        return Reply.of(400, "{\"Code\":\"Unexpected\",\"Message\":\"" + r.rawTarget() + "\"}");
    }

    /** Every kind of tunnel call once: upload, download, stream flush, upsert. */
    private void runEveryTunnelCall(TableIdentifier t) throws Exception {
        UploadSession up = client.createUploadSession(t, PartitionSpec.empty(), false);
        up.writeBlock(0, null, PACK, 0, PACK.length);
        assertThat(up.commit(List.of(0L))).isEqualTo(CommitOutcome.COMMITTED);

        DownloadSession down = client.createDownloadSession(t, PartitionSpec.empty());
        client.attachDownloadSession(t, PartitionSpec.empty(), down.id());
        try (DownloadReader reader =
                down.openReader(0, 2, null, null, SessionTestSupport::decoder)) {
            assertThat(reader.read()).isNotNull();
            assertThat(reader.read()).isNotNull();
            assertThat(reader.read()).isNull();
        }

        StreamUploadSession stream =
                client.createStreamUploadSession(t, PartitionSpec.empty(), false, false, 1);
        stream.flush(null, PACK, 0, PACK.length, 1);

        UpsertSession upsert = client.createUpsertSession(t, PartitionSpec.empty(), 1);
        upsert.flush(0, null, PACK, 0, PACK.length, 1);
        upsert.commit();
    }

    private List<String> targets() {
        return server.requests().stream().map(r -> r.method() + " " + r.rawTarget()).toList();
    }

    @Test
    void quotaNameGoesOnDiscoveryAndEveryTunnelCallButTheDownloadReload() throws Exception {
        client = SessionTestSupport.client(server, time, "q1");
        runEveryTunnelCall(client.table("t"));
        assertThat(targets())
                .containsExactly(
                        "GET /api/projects/p/tunnel?service&quotaName=q1&curr_project=p",
                        "POST /projects/p/tables/t?quotaName=q1&uploads&curr_project=p",
                        "PUT /projects/p/tables/t?quotaName=q1&uploadid=UP1&blockid=0&curr_project=p",
                        "GET /projects/p/tables/t?quotaName=q1&uploadid=UP1&getblockid=true"
                                + "&curr_project=p",
                        "POST /projects/p/tables/t?quotaName=q1&uploadid=UP1&curr_project=p",
                        "POST /projects/p/tables/t?quotaName=q1&downloads&curr_project=p",
                        "GET /projects/p/tables/t?downloadid=DL1&curr_project=p",
                        "GET /projects/p/tables/t?quotaName=q1&data&downloadid=DL1"
                                + "&rowrange=%280%2C2%29&curr_project=p",
                        "POST /projects/p/tables/t/streams?quotaName=q1&curr_project=p",
                        "PUT /projects/p/tables/t/streams?quotaName=q1&uploadid=S1&slotid=1"
                                + "&schema_version=0&record_count=1&check_latest_schema=false"
                                + "&curr_project=p",
                        "POST /projects/p/tables/t/upserts?quotaName=q1&slotnum=1&curr_project=p",
                        "PUT /projects/p/tables/t/upserts?quotaName=q1&upsertid=UPS&bucketid=0"
                                + "&slotid=1&record_count=1&curr_project=p",
                        "POST /projects/p/tables/t/upserts?quotaName=q1&upsertid=UPS"
                                + "&curr_project=p");
    }

    @Test
    void noQuotaNameMeansNoQuotaParameterAnywhere() throws Exception {
        client = SessionTestSupport.client(server, time, "  ");
        runEveryTunnelCall(client.table("t"));
        assertThat(server.requests()).hasSize(13);
        assertThat(server.requests())
                .allSatisfy(
                        r -> {
                            assertThat(r.params()).doesNotContainKey("quotaName");
                            assertThat(r.params()).containsEntry("curr_project", "p");
                        });
    }

    @Test
    void threeLevelNamesPutTheSchemaInTunnelPathsAndCurrSchemaInMetaCalls() throws Exception {
        client = SessionTestSupport.client(server, time, null);
        TableIdentifier t = new TableIdentifier("p", "s1", "t");
        runEveryTunnelCall(t);
        assertThat(server.requests())
                .filteredOn(r -> !r.path().startsWith("/api/"))
                .hasSize(12)
                .allSatisfy(
                        r -> {
                            assertThat(r.path()).startsWith("/projects/p/schemas/s1/tables/t");
                            assertThat(r.params()).doesNotContainKey("curr_schema");
                        });
        assertThat(targets())
                .contains(
                        "POST /projects/p/schemas/s1/tables/t?uploads&curr_project=p",
                        "POST /projects/p/schemas/s1/tables/t/streams?curr_project=p",
                        "POST /projects/p/schemas/s1/tables/t/upserts?slotnum=1&curr_project=p");

        server.requests().clear();
        assertThat(client.getTable(t).schema().columnNames()).containsExactly("a");
        assertThat(client.meta().listPartitions(t)).isEmpty();
        assertThat(server.requests()).hasSize(2);
        assertThat(server.requests().get(0).rawTarget())
                .isEqualTo("/api/projects/p/tables/t?curr_schema=s1&extended&curr_project=p");
        assertThat(server.requests().get(1).path()).isEqualTo("/api/projects/p/tables/t");
        assertThat(server.requests().get(1).params())
                .containsEntry("curr_schema", "s1")
                .containsKey("partitions")
                .containsEntry("curr_project", "p");
    }

    @Test
    void aTableOfAnotherProjectKeepsTheDefaultProjectAsCurrProject() throws Exception {
        client = SessionTestSupport.client(server, time, null);
        client.createUploadSession(
                new TableIdentifier("other", null, "t"), PartitionSpec.empty(), true);
        assertThat(targets())
                .containsExactly(
                        "GET /api/projects/p/tunnel?service&curr_project=p",
                        "POST /projects/other/tables/t?uploads&overwrite=true&curr_project=p");
    }
}
