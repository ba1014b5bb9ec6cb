package io.github.mctunnel.client.session;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.error.TunnelException;
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

class UploadSessionTest {

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

    private static String session(String status, String blocks) {
        return "{\"UploadID\":\"UP1\",\"Status\":\""
                + status
                + "\",\"Schema\":"
                + SessionTestSupport.SCHEMA
                + ",\"UploadedBlockList\":["
                + blocks
                + "],\"MaxFieldSize\":1024,\"QuotaName\":\"\"}";
    }

    private UploadSession create(Reply... more) throws TunnelException {
        Reply[] all = new Reply[more.length + 1];
        all[0] = Reply.json(session("normal", ""));
        System.arraycopy(more, 0, all, 1, more.length);
        server.script(all);
        return client.createUploadSession(client.table("t"), PartitionSpec.parse("pt=1"), true);
    }

    @Test
    void createSendsTheSdkRequestShape() throws Exception {
        UploadSession s = create();
        assertThat(s.id()).isEqualTo("UP1");
        assertThat(s.maxFieldSize()).isEqualTo(1024);
        assertThat(s.schema().columnNames()).containsExactly("a", "b");
        Recorded r = server.requests().get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.rawTarget())
                .isEqualTo(
                        "/projects/p/tables/t?partition=pt%3D1&uploads&overwrite=true&curr_project=p");
        assertThat(r.header("Content-Type")).isNull();
        assertThat(r.header("x-odps-tunnel-version")).isEqualTo("6");
        assertThat(r.header("odps-tunnel-date-transform")).isEqualTo("v1");
    }

    @Test
    void writesAStreamedChunkedBlock() throws Exception {
        UploadSession s = create(Reply.json("{}"));
        s.writeBlock(7, "deflate", out -> out.write("payload".getBytes(StandardCharsets.UTF_8)));
        Recorded put = server.requests().get(1);
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.params())
                .containsEntry("uploadid", "UP1")
                .containsEntry("blockid", "7")
                .containsEntry("partition", "pt=1");
        assertThat(put.chunked()).isTrue();
        assertThat(put.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(put.header("Content-Encoding")).isEqualTo("deflate");
        assertThat(put.header("odps-tunnel-date-transform")).isNull();
        assertThat(new String(put.body(), StandardCharsets.UTF_8)).isEqualTo("payload");
    }

    @Test
    void bufferedBlockWritesAreRetriedFromTheCallersBuffer() throws Exception {
        UploadSession s =
                create(
                        Reply.of(503, "{\"Code\":\"ServiceUnavailable\",\"Message\":\"busy\"}"),
                        Reply.json("{}"));
        byte[] buf = "xxDATAyy".getBytes(StandardCharsets.UTF_8);
        s.writeBlock(0, null, buf, 2, 4);
        assertThat(server.requests()).hasSize(3);
        assertThat(new String(server.requests().get(2).body(), StandardCharsets.UTF_8))
                .isEqualTo("DATA");
        assertThat(server.requests().get(2).header("Content-Encoding")).isNull();
        assertThat(time.sleeps()).containsExactly(1000L);
    }

    @Test
    void blockIdsOutsideTheServiceRangeAreRejectedLocally() throws Exception {
        UploadSession s = create();
        assertThatThrownBy(() -> s.writeBlock(20000, null, out -> {}))
                .hasMessage(
                        "write block of p.t (partition=pt=1, session=UP1, block=20000) failed:"
                                + " ErrorCode=LocalError, ErrorMessage=block id 20000 is out of range:"
                                + " block ids must be in [0, 20000)");
        assertThatThrownBy(() -> s.writeBlock(-1, null, new byte[0], 0, 0))
                .isInstanceOf(TunnelException.class);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void commitChecksBlocksThenCommits() throws Exception {
        UploadSession s =
                create(
                        Reply.json(session("normal", "{\"BlockID\":1},{\"BlockID\":0}")),
                        Reply.json(session("closed", "{\"BlockID\":1},{\"BlockID\":0}")));
        assertThat(s.commit(List.of(0L, 1L))).isEqualTo(CommitOutcome.COMMITTED);
        Recorded reload = server.requests().get(1);
        assertThat(reload.method()).isEqualTo("GET");
        assertThat(reload.params())
                .containsEntry("uploadid", "UP1")
                .containsEntry("getblockid", "true");
        Recorded commit = server.requests().get(2);
        assertThat(commit.method()).isEqualTo("POST");
        assertThat(commit.rawTarget())
                .isEqualTo("/projects/p/tables/t?partition=pt%3D1&uploadid=UP1&curr_project=p");
        assertThat(s.status()).isEqualTo("closed");
    }

    @Test
    void aSecondCommitOfACommittedSessionIsRecognised() throws Exception {
        UploadSession s = create(Reply.json(session("CLOSED", "{\"BlockID\":0}")));
        assertThat(s.commit(List.of(0L))).isEqualTo(CommitOutcome.ALREADY_COMMITTED);
        assertThat(server.requests()).extracting(Recorded::method).containsExactly("POST", "GET");
    }

    @Test
    void aConflictingCommitAfterWhichTheSessionIsClosedIsAlreadyCommitted() throws Exception {
        UploadSession s =
                create(
                        Reply.json(session("normal", "{\"BlockID\":0}")),
                        Reply.of(
                                409,
                                "{\"Code\":\"StatusConflict\",\"Message\":\"You cannot complete the specified operation under the current upload or download status.\"}"),
                        Reply.json(session("closed", "{\"BlockID\":0}")));
        assertThat(s.commit(List.of(0L))).isEqualTo(CommitOutcome.ALREADY_COMMITTED);
        assertThat(server.requests())
                .extracting(Recorded::method)
                .containsExactly("POST", "GET", "POST", "GET");
    }

    @Test
    void aCommitWhoseAnswerWasLostIsRetriedAndRecognisedAsCommitted() throws Exception {
        UploadSession s =
                create(
                        Reply.json(session("normal", "{\"BlockID\":0}")),
                        Reply.drop(),
                        Reply.of(
                                409,
                                "{\"Code\":\"StatusConflict\",\"Message\":\"already committed\"}"),
                        Reply.json(session("closed", "{\"BlockID\":0}")));
        assertThat(s.commit(List.of(0L))).isEqualTo(CommitOutcome.ALREADY_COMMITTED);
        assertThat(server.requests())
                .extracting(Recorded::method)
                .containsExactly("POST", "GET", "POST", "POST", "GET");
        assertThat(time.sleeps()).containsExactly(1000L);
    }

    @Test
    void aConflictOnAnOpenSessionIsAnError() throws Exception {
        UploadSession s =
                create(
                        Reply.json(session("normal", "{\"BlockID\":0}")),
                        Reply.of(
                                409,
                                "{\"Code\":\"StatusConflict\",\"Message\":\"conflict\"}",
                                "x-odps-request-id",
                                "r9"),
                        Reply.json(session("normal", "{\"BlockID\":0}")));
        assertThatThrownBy(() -> s.commit(List.of(0L)))
                .hasMessage(
                        "commit upload session of p.t (partition=pt=1, session=UP1) failed: HTTP 409,"
                                + " ErrorCode=StatusConflict, ErrorMessage=conflict, RequestId=r9");
    }

    @Test
    void mismatchingBlocksFailWithoutCommitting() throws Exception {
        UploadSession s = create(Reply.json(session("normal", "{\"BlockID\":0},{\"BlockID\":2}")));
        assertThatThrownBy(() -> s.commit(List.of(0L, 1L)))
                .hasMessage(
                        "commit upload session of p.t (partition=pt=1, session=UP1) failed:"
                                + " ErrorCode=LocalError, ErrorMessage=blocks do not match: expected but"
                                + " not on the server [1], on the server but not expected [2]");
        assertThat(server.requests()).extracting(Recorded::method).containsExactly("POST", "GET");
    }

    @Test
    void attachReloadsAnExistingSession() throws Exception {
        server.script(
                Reply.json(session("normal", "{\"BlockID\":4}")),
                Reply.json(session("normal", "{\"BlockID\":4}")));
        UploadSession s =
                client.attachUploadSession(client.table("t"), PartitionSpec.empty(), "UP1");
        assertThat(s.blockList()).containsExactly(4L);
        assertThat(server.requests().get(0).rawTarget())
                .isEqualTo("/projects/p/tables/t?uploadid=UP1&getblockid=true&curr_project=p");
    }

    @Test
    void clientToStringShowsNoSecret() {
        assertThat(client.toString())
                .isEqualTo(
                        "TunnelClient{odpsEndpoint=http://127.0.0.1:1/api, tunnelEndpoint="
                                + server.uri()
                                + ", project=p, signature=V2}")
                .doesNotContain("sk");
    }
}
