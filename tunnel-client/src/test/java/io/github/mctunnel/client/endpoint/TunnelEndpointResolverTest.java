package io.github.mctunnel.client.endpoint;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.CanonicalRequest;
import io.github.mctunnel.client.auth.SignatureV2;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.FakeHttpServer;
import io.github.mctunnel.client.http.FakeHttpServer.Recorded;
import io.github.mctunnel.client.http.FakeHttpServer.Reply;
import io.github.mctunnel.client.http.FakeTime;
import io.github.mctunnel.client.schema.PartitionSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ODPS endpoint (with its {@code /api} path), tunnel endpoint discovery (once, cached) and an
 * explicit tunnel endpoint, as seen by a raw-socket server.
 */
class TunnelEndpointResolverTest {

    private static final String SCHEMA =
            "{\"columns\":[{\"name\":\"a\",\"type\":\"bigint\"}],\"partitionKeys\":[]}";

    private FakeHttpServer server;
    private final FakeTime time = new FakeTime(Instant.parse("2024-01-01T00:00:00Z"));
    private final Deque<Reply> discoveryReplies = new ArrayDeque<>();
    private TunnelClient client;

    @BeforeEach
    void setUp() throws Exception {
        server = new FakeHttpServer();
        server.handler(this::serve);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    private Reply serve(Recorded r) {
        if (r.path().endsWith("/tunnel") && r.params().containsKey("service")) {
            synchronized (discoveryReplies) {
                Reply scripted = discoveryReplies.poll();
                return scripted != null ? scripted : Reply.of(200, server.hostPort());
            }
        }
        if (r.params().containsKey("uploads")) {
            return Reply.json(
                    "{\"UploadID\":\"UP1\",\"Status\":\"normal\",\"Schema\":"
                            + SCHEMA
                            + ",\"UploadedBlockList\":[]}");
        }
        if (r.params().containsKey("downloads")) {
            return Reply.json(
                    "{\"DownloadID\":\"DL1\",\"Status\":\"normal\",\"RecordCount\":0,\"Schema\":"
                            + SCHEMA
                            + "}");
        }
        return Reply.of(400, "{\"Code\":\"Unexpected\",\"Message\":\"" + r.rawTarget() + "\"}");
    }

    private TunnelClient.Builder builder(String odpsEndpoint) {
        return TunnelClient.builder()
                .odpsEndpoint(odpsEndpoint)
                .project("p")
                .credentialsProvider(StaticCredentialsProvider.of("ak", "sk"))
                .clock(time)
                .sleeper(time)
                .jitter(() -> 0.0);
    }

    private List<String> targets() {
        return server.requests().stream().map(r -> r.method() + " " + r.rawTarget()).toList();
    }

    private void createUpload() throws TunnelException {
        client.createUploadSession(client.table("t"), PartitionSpec.empty(), false);
    }

    @Test
    void discoversTheTunnelEndpointOnceThroughTheApiPathAndCachesIt() throws Exception {
        client = builder(server.uri() + "/api").build();
        createUpload();
        createUpload();
        client.createDownloadSession(client.table("t"), PartitionSpec.empty());
        assertThat(targets())
                .containsExactly(
                        "GET /api/projects/p/tunnel?service&curr_project=p",
                        "POST /projects/p/tables/t?uploads&curr_project=p",
                        "POST /projects/p/tables/t?uploads&curr_project=p",
                        "POST /projects/p/tables/t?downloads&curr_project=p");

        // Signed over the resource without the endpoint's /api path (V2).
        Recorded discovery = server.requests().get(0);
        String stringToSign =
                CanonicalRequest.stringToSign(
                        "GET", discovery.headers(), "/projects/p/tunnel", discovery.params());
        assertThat(discovery.header("Authorization"))
                .isEqualTo("ODPS ak:" + SignatureV2.sign("sk", stringToSign));
        assertThat(discovery.header("x-odps-tunnel-version")).isNull();
    }

    @Test
    void aTrailingSlashOnTheOdpsEndpointIsNotDoubled() throws Exception {
        client = builder(server.uri() + "/api/").build();
        createUpload();
        assertThat(server.requests().get(0).rawTarget())
                .isEqualTo("/api/projects/p/tunnel?service&curr_project=p");
    }

    @Test
    void theDiscoveredHostIsTrimmedAndTakesTheSchemeOfTheOdpsEndpoint() throws Exception {
        discoveryReplies.add(Reply.of(200, "  " + server.hostPort() + "\r\n"));
        client = builder(server.uri() + "/api").build();
        createUpload();
        assertThat(targets())
                .containsExactly(
                        "GET /api/projects/p/tunnel?service&curr_project=p",
                        "POST /projects/p/tables/t?uploads&curr_project=p");
    }

    @Test
    void anExplicitTunnelEndpointIsUsedWithoutDiscovery() throws Exception {
        // The ODPS endpoint is not even reachable: nothing may go there.
        client = builder("http://127.0.0.1:1/api").tunnelEndpoint(server.uri() + "/").build();
        createUpload();
        assertThat(targets()).containsExactly("POST /projects/p/tables/t?uploads&curr_project=p");
    }

    @Test
    void aBlankTunnelEndpointMeansDiscovery() throws Exception {
        client = builder(server.uri() + "/api").tunnelEndpoint("  ").build();
        createUpload();
        assertThat(targets())
                .containsExactly(
                        "GET /api/projects/p/tunnel?service&curr_project=p",
                        "POST /projects/p/tables/t?uploads&curr_project=p");
    }

    @Test
    void unusableDiscoveryAnswersAreClearErrorsAndAreNotCached() throws Exception {
        discoveryReplies.add(Reply.of(200, ""));
        discoveryReplies.add(Reply.of(200, "http://" + server.hostPort()));
        discoveryReplies.add(
                Reply.of(
                        404,
                        "<?xml version=\"1.0\"?><Error><Code>NoSuchProject</Code>"
                                + "<Message>Project not found - 'p'</Message></Error>",
                        "x-odps-request-id",
                        "rid-1"));
        client = builder(server.uri() + "/api").build();
        assertThatThrownBy(this::createUpload)
                .isInstanceOf(TunnelException.class)
                .hasMessage(
                        "discover tunnel endpoint of project p failed: ErrorCode=LocalError,"
                                + " ErrorMessage=the service returned no usable tunnel endpoint"
                                + " (''); set the tunnel endpoint explicitly");
        assertThatThrownBy(this::createUpload)
                .hasMessage(
                        "discover tunnel endpoint of project p failed: ErrorCode=LocalError,"
                                + " ErrorMessage=the service returned no usable tunnel endpoint"
                                + " ('http://"
                                + server.hostPort()
                                + "'); set the tunnel endpoint explicitly");
        assertThatThrownBy(this::createUpload)
                .isInstanceOfSatisfying(
                        TunnelException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(404);
                            assertThat(e.errorCode()).isEqualTo("NoSuchProject");
                        })
                .hasMessage(
                        "discover tunnel endpoint of project p failed: HTTP 404,"
                                + " ErrorCode=NoSuchProject, ErrorMessage=Project not found - 'p',"
                                + " RequestId=rid-1");
        // Failures are not cached: the next call discovers again and succeeds.
        createUpload();
        createUpload();
        assertThat(targets())
                .containsExactly(
                        "GET /api/projects/p/tunnel?service&curr_project=p",
                        "GET /api/projects/p/tunnel?service&curr_project=p",
                        "GET /api/projects/p/tunnel?service&curr_project=p",
                        "GET /api/projects/p/tunnel?service&curr_project=p",
                        "POST /projects/p/tables/t?uploads&curr_project=p",
                        "POST /projects/p/tables/t?uploads&curr_project=p");
        assertThat(time.sleeps()).isEmpty();
    }

    @Test
    void endpointsMustBeHttpUrls() {
        assertThatThrownBy(() -> builder("ftp://host/api"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "odpsEndpoint 'ftp://host/api' must be an http(s) URL such as"
                                + " http://host[:port][/path]");
        assertThatThrownBy(() -> builder("http://h/api").tunnelEndpoint("dt.example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "tunnelEndpoint 'dt.example.com' must be an http(s) URL such as"
                                + " http://host[:port][/path]");
        assertThatThrownBy(() -> builder("http://h/a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("odpsEndpoint 'http://h/a b' is not a valid URI");
    }
}
