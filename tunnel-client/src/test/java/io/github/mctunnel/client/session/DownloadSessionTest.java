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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DownloadSessionTest {

    private FakeHttpServer server;
    private FakeTime time;
    private TunnelClient client;
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private volatile int cutAt;

    @BeforeEach
    void setUp() throws Exception {
        server = new FakeHttpServer();
        time = SessionTestSupport.time();
        client = SessionTestSupport.client(server, time, "q1");
        server.handler(this::serve);
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close();
        server.close();
    }

    private Reply serve(Recorded r) {
        if (r.path().equals("/api/projects/p/tunnel")) {
            return Reply.of(200, server.hostPort());
        }
        if (r.method().equals("POST") && r.params().containsKey("downloads")) {
            return Reply.json(
                    "{\"DownloadID\":\"DL1\",\"Status\":\"Normal\",\"RecordCount\":10,\"Schema\":"
                            + SessionTestSupport.schemaFor(r)
                            + "}");
        }
        if (r.method().equals("GET") && r.params().containsKey("data")) {
            String range = r.params().get("rowrange");
            String[] sc = range.substring(1, range.length() - 1).split(",");
            String body = SessionTestSupport.rows(Long.parseLong(sc[0]), Long.parseLong(sc[1]));
            Reply reply = Reply.of(200, body, "Content-Encoding", "deflate");
            return cutsLeft.getAndDecrement() > 0 ? reply.cutAfter(cutAt) : reply;
        }
        return Reply.of(400, "{\"Code\":\"Unexpected\",\"Message\":\"" + r.rawTarget() + "\"}");
    }

    private List<Recorded> dataRequests() {
        return server.requests().stream().filter(r -> r.params().containsKey("data")).toList();
    }

    private static List<String> readAll(DownloadReader reader) throws TunnelException {
        List<String> rows = new ArrayList<>();
        Object[] row;
        while ((row = reader.read()) != null) {
            rows.add((String) row[0]);
        }
        return rows;
    }

    @Test
    void createsSessionThroughDiscoveredEndpointOnce() throws Exception {
        DownloadSession s =
                client.createDownloadSession(client.table("t"), PartitionSpec.parse("pt=a b"));
        client.createDownloadSession(client.table("t"), PartitionSpec.parse("pt=a b"));
        assertThat(s.id()).isEqualTo("DL1");
        assertThat(s.recordCount()).isEqualTo(10);
        assertThat(s.status()).isEqualTo("normal");
        assertThat(s.schema().columnNames()).containsExactly("a", "b");
        assertThat(s.schema().column(1).nullable()).isFalse();
        assertThat(s.schema().partitionKeyNames()).containsExactly("pt");

        List<Recorded> discovery =
                server.requests().stream().filter(r -> r.path().endsWith("/tunnel")).toList();
        assertThat(discovery).hasSize(1);
        assertThat(discovery.get(0).rawTarget())
                .isEqualTo("/api/projects/p/tunnel?service&quotaName=q1&curr_project=p");
        Recorded create = server.requests().get(1);
        assertThat(create.rawTarget())
                .isEqualTo(
                        "/projects/p/tables/t?partition=pt%3Da%20b&quotaName=q1&downloads&curr_project=p");
        assertThat(create.header("x-odps-tunnel-version")).isEqualTo("6");
        assertThat(create.header("odps-tunnel-date-transform")).isEqualTo("v1");
    }

    @Test
    void resumesFromTheNextUnreadRowAfterADroppedConnection() throws Exception {
        cutsLeft.set(1);
        cutAt = 12; // "row0\nrow1\nro" : two complete rows, then the connection is reset
        DownloadSession s = client.createDownloadSession(client.table("t"), PartitionSpec.empty());
        DownloadReader reader =
                s.openReader(0, 10, List.of("b", "a"), "deflate", SessionTestSupport::decoder);
        List<String> rows = readAll(reader);
        assertThat(rows)
                .containsExactly(
                        "row0", "row1", "row2", "row3", "row4", "row5", "row6", "row7", "row8",
                        "row9");
        assertThat(reader.resumes()).isEqualTo(1);
        assertThat(dataRequests())
                .extracting(r -> r.params().get("rowrange"))
                .containsExactly("(0,10)", "(2,8)");
        Recorded first = dataRequests().get(0);
        assertThat(first.params())
                .containsEntry("columns", "b,a")
                .containsEntry("downloadid", "DL1");
        assertThat(first.header("Accept-Encoding")).isEqualTo("deflate");
        assertThat(reader.read()).isNull();
    }

    @Test
    void truncatedStreamWithoutConnectionErrorIsAlsoResumed() throws Exception {
        server.handler(
                r -> {
                    if (r.params().containsKey("data") && dataRequests().size() == 1) {
                        return Reply.of(200, "row3\nrow4\n"); // ends early without trailer
                    }
                    return serve(r);
                });
        DownloadSession s = client.createDownloadSession(client.table("t"), PartitionSpec.empty());
        List<String> rows = readAll(s.openReader(3, 5, null, null, SessionTestSupport::decoder));
        assertThat(rows).containsExactly("row3", "row4", "row5", "row6", "row7");
        assertThat(dataRequests())
                .extracting(r -> r.params().get("rowrange"))
                .containsExactly("(3,5)", "(5,3)");
        assertThat(dataRequests().get(0).params()).doesNotContainKey("columns");
    }

    @Test
    void readsInPiecesOfRowsPerRequest() throws Exception {
        DownloadSession s = client.createDownloadSession(client.table("t"), PartitionSpec.empty());
        List<String> rows =
                readAll(s.openReader(0, 10, null, null, SessionTestSupport::decoder, 4));
        assertThat(rows).hasSize(10).startsWith("row0").endsWith("row9");
        assertThat(dataRequests())
                .extracting(r -> r.params().get("rowrange"))
                .containsExactly("(0,4)", "(4,4)", "(8,2)");
    }

    @Test
    void givesUpAfterRepeatedFailuresWithoutProgress() throws Exception {
        cutsLeft.set(100);
        cutAt = 2;
        DownloadSession s = client.createDownloadSession(client.table("t"), PartitionSpec.empty());
        DownloadReader reader = s.openReader(0, 10, null, null, SessionTestSupport::decoder);
        assertThatThrownBy(reader::read)
                .isInstanceOf(TunnelException.class)
                .hasMessageStartingWith(
                        "read rows [0, 10) of p.t (session=DL1) failed: ErrorMessage=reading failed at row 0 after 5 resumes");
        assertThat(dataRequests()).hasSize(6);
    }

    @Test
    void aPartitionSpecThatDoesNotMatchTheTableIsRejected() {
        server.handler(
                r ->
                        r.path().endsWith("/tunnel")
                                ? Reply.of(200, server.hostPort())
                                : Reply.json(
                                        "{\"DownloadID\":\"DL1\",\"Status\":\"normal\",\"RecordCount\":0,"
                                                + "\"Schema\":"
                                                + SessionTestSupport.SCHEMA
                                                + "}"));
        assertThatThrownBy(
                        () ->
                                client.createDownloadSession(
                                        client.table("t"), PartitionSpec.parse("ds=1")))
                .hasMessage(
                        "create download session of p.t (partition=ds=1, session=DL1) failed:"
                                + " ErrorCode=LocalError, ErrorMessage=Partition spec 'ds=1' does not"
                                + " match the partition keys of table p.t: expected [pt]");
    }

    @Test
    void closingEarlyDropsTheResponseAndTheClientStaysUsable() throws Exception {
        server.handler(
                r -> {
                    if (r.params().containsKey("data")) {
                        return Reply.of(200, SessionTestSupport.rows(0, 300_000));
                    }
                    if (r.params().containsKey("downloads")) {
                        return Reply.json(
                                "{\"DownloadID\":\"DL1\",\"Status\":\"normal\",\"RecordCount\":300000,"
                                        + "\"Schema\":"
                                        + SessionTestSupport.FLAT_SCHEMA
                                        + "}");
                    }
                    return serve(r);
                });
        DownloadSession s = client.createDownloadSession(client.table("t"), PartitionSpec.empty());
        DownloadReader reader = s.openReader(0, 300_000, null, null, SessionTestSupport::decoder);
        assertThat(reader.read()[0]).isEqualTo("row0");
        reader.close();
        assertThatThrownBy(reader::read).hasMessageEndingWith("ErrorMessage=the reader is closed");
        DownloadReader again = s.openReader(0, 300_000, null, null, SessionTestSupport::decoder);
        assertThat(again.read()[0]).isEqualTo("row0");
        assertThat(again.read()[0]).isEqualTo("row1");
        again.close();
    }

    @Test
    void rejectsBadRangesAndUnknownColumnsLocally() throws Exception {
        DownloadSession s = client.createDownloadSession(client.table("t"), PartitionSpec.empty());
        assertThatThrownBy(() -> s.openReader(5, 6, null, null, SessionTestSupport::decoder))
                .hasMessage(
                        "read rows [5, 11) of p.t (session=DL1) failed: ErrorCode=LocalError,"
                                + " ErrorMessage=row range (start 5, count 6) is outside the session's 10 rows");
        assertThatThrownBy(
                        () ->
                                s.openReader(
                                        0,
                                        1,
                                        List.of("a", "zz"),
                                        null,
                                        SessionTestSupport::decoder))
                .hasMessageEndingWith(
                        "ErrorMessage=column 'zz' does not exist; the table has [a, b]");
        assertThat(dataRequests()).isEmpty();
    }
}
