package io.github.mctunnel.client.meta;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.CanonicalRequest;
import io.github.mctunnel.client.auth.SignatureV4;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.error.TunnelException;
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
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetaClientTest {

    private FakeHttpServer server;
    private FakeTime time;
    private TunnelClient client;

    @BeforeEach
    void setUp() throws Exception {
        server = new FakeHttpServer();
        time = new FakeTime(Instant.parse("2024-01-01T00:00:00Z"));
        client =
                TunnelClient.builder()
                        .odpsEndpoint(server.uri() + "/api")
                        .project("p")
                        .region("cn-hangzhou")
                        .credentialsProvider(StaticCredentialsProvider.of("ak", "sk"))
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

    private static final String TABLE_XML =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Table><Name>t</Name><Schema format=\"json\"><![CDATA["
                    + "{\"columns\":[{\"name\":\"k\",\"type\":\"bigint\",\"comment\":\"\",\"isNullable\":false},"
                    + "{\"name\":\"v\",\"type\":\"map<string,array<int>>\",\"comment\":\"c\",\"isNullable\":true}],"
                    + "\"partitionKeys\":[{\"name\":\"ds\",\"type\":\"string\",\"comment\":\"\"}],"
                    + "\"Reserved\":\"{\\\"Transactional\\\":\\\"true\\\",\\\"PrimaryKey\\\":[\\\"k\\\"],\\\"schema_version\\\":\\\"2\\\"}\"}"
                    + "]]></Schema><Project>p</Project></Table>";

    @Test
    void readsTableInfoFromTheTableXml() throws Exception {
        server.script(Reply.of(200, TABLE_XML));
        TableInfo info = client.getTable(new TableIdentifier("p", "s1", "t"));
        assertThat(info.schema().columnNames()).containsExactly("k", "v");
        assertThat(info.schema().column(0).nullable()).isFalse();
        assertThat(info.schema().column(1).type().toString())
                .isEqualToIgnoringCase("map<string,array<int>>");
        assertThat(info.schema().partitionKeyNames()).containsExactly("ds");
        assertThat(info.transactional()).isTrue();
        assertThat(info.primaryKey()).containsExactly("k");
        assertThat(info.schemaVersion()).isEqualTo("2");
        assertThat(info.isDeltaTable()).isTrue();

        Recorded r = server.requests().get(0);
        assertThat(r.rawTarget())
                .isEqualTo("/api/projects/p/tables/t?curr_schema=s1&extended&curr_project=p");
        // signed over the resource without the endpoint's /api prefix, V4 with the clock's date
        String resource = r.path().substring("/api".length());
        String sts = CanonicalRequest.stringToSign("GET", r.headers(), resource, r.params());
        assertThat(r.header("Authorization"))
                .isEqualTo(
                        "ODPS ak/20240101/cn-hangzhou/odps/aliyun_v4_request:"
                                + SignatureV4.sign("sk", "cn-hangzhou", "20240101", sts));
        assertThat(r.header("x-odps-tunnel-version")).isNull();
    }

    @Test
    void aMissingTableIs404WithTheServiceMessage() {
        server.script(
                Reply.of(
                        404,
                        "<?xml version=\"1.0\"?><Error><Code>NoSuchObject</Code><Message>Table not found"
                                + "</Message><RequestId>x</RequestId></Error>",
                        "x-odps-request-id",
                        "rq"));
        assertThatThrownBy(() -> client.getTable(client.table("nope")))
                .isInstanceOfSatisfying(
                        TunnelException.class, e -> assertThat(e.httpStatus()).isEqualTo(404))
                .hasMessage(
                        "get table info of p.nope failed: HTTP 404, ErrorCode=NoSuchObject,"
                                + " ErrorMessage=Table not found, RequestId=rq");
    }

    @Test
    void listsPartitionsPageByPage() throws Exception {
        server.script(
                Reply.of(
                        200,
                        "<Partitions><Partition><Column Name=\"ds\" Value=\"1\"/><Column Name=\"hh\" Value=\"a b\"/>"
                                + "</Partition><Marker>m1</Marker></Partitions>"),
                Reply.of(
                        200,
                        "<Partitions><Partition><Column Name=\"ds\" Value=\"2\"/><Column Name=\"hh\" Value=\"x\"/>"
                                + "</Partition><Marker></Marker></Partitions>"));
        assertThat(client.meta().listPartitions(client.table("t")))
                .containsExactly(
                        PartitionSpec.parse("ds=1,hh=a b"), PartitionSpec.parse("ds=2,hh=x"));
        assertThat(server.requests().get(0).params())
                .containsKeys("partitions")
                .containsEntry("expectmarker", "true");
        assertThat(server.requests().get(1).params()).containsEntry("marker", "m1");
    }

    @Test
    void createsPartitionsThroughASqlInstance() throws Exception {
        server.script(
                Reply.of(201, "", "Location", server.uri() + "/api/projects/p/instances/INST1"),
                Reply.of(200, "<Instance><Status>Running</Status></Instance>"),
                Reply.of(200, "<Instance><Status>Terminated</Status></Instance>"),
                Reply.of(
                        200,
                        "<Instance><Tasks><Task><Name>AnonymousSQLTask</Name><Status>Success</Status></Task></Tasks></Instance>"));
        client.meta()
                .createPartition(client.table("t"), PartitionSpec.parse("ds=2024,hh=it's"), true);
        Recorded post = server.requests().get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.path()).isEqualTo("/api/projects/p/instances");
        assertThat(post.header("Content-Type")).isEqualTo("application/xml");
        assertThat(new String(post.body(), StandardCharsets.UTF_8))
                .contains(
                        "<Query>ALTER TABLE `p`.`t` ADD IF NOT EXISTS PARTITION (`ds`='2024',`hh`='it\\'s');</Query>");
        assertThat(server.requests().get(1).path()).isEqualTo("/api/projects/p/instances/INST1");
        assertThat(server.requests().get(3).params()).containsKey("taskstatus");
        assertThat(time.sleeps()).containsExactly(1000L);
    }

    @Test
    void taskStatusIsReadFromTheTaskNotFromTheInstanceStatusBeforeIt() throws Exception {
        // The service's ?taskstatus answer carries the instance status before the task list.
        String terminatedSuccess =
                "<Instance><Name>I3</Name><Status>Terminated</Status><Tasks><Task Type=\"SQL\">"
                        + "<Name>AnonymousSQLTask</Name><Status>Success</Status></Task></Tasks>"
                        + "</Instance>";
        server.script(
                Reply.of(201, "", "Location", "/api/projects/p/instances/I3"),
                Reply.of(200, terminatedSuccess),
                Reply.of(200, terminatedSuccess));
        client.meta().createPartition(client.table("t"), PartitionSpec.parse("ds=1"), false);
        assertThat(server.requests()).hasSize(3);

        String terminatedFailed = terminatedSuccess.replace("Success", "Failed");
        server.script(
                Reply.of(201, "", "Location", "/api/projects/p/instances/I4"),
                Reply.of(200, terminatedFailed),
                Reply.of(200, terminatedFailed),
                Reply.of(
                        200,
                        "<Instance><Status>Terminated</Status><Tasks><Task><Result>FAILED: no"
                                + " such partition</Result><Status>Failed</Status></Task></Tasks>"
                                + "</Instance>"));
        assertThatThrownBy(
                        () ->
                                client.meta()
                                        .dropPartition(
                                                client.table("t"),
                                                PartitionSpec.parse("ds=1"),
                                                false))
                .hasMessage(
                        "drop partition of p.t (partition=ds=1) failed: ErrorCode=LocalError,"
                                + " ErrorMessage=SQL instance I4 ended with Failed: FAILED: no such"
                                + " partition");
    }

    @Test
    void aFailedSqlInstanceReportsItsResult() {
        server.script(
                Reply.of(201, "", "Location", "/api/projects/p/instances/I2"),
                Reply.of(200, "<Instance><Status>Terminated</Status></Instance>"),
                Reply.of(
                        200,
                        "<Instance><Tasks><Task><Status>Failed</Status></Task></Tasks></Instance>"),
                Reply.of(
                        200,
                        "<Instance><Tasks><Task><Result>ODPS-0130071: partition exists</Result></Task></Tasks></Instance>"));
        assertThatThrownBy(
                        () ->
                                client.meta()
                                        .dropPartition(
                                                client.table("t"),
                                                PartitionSpec.parse("ds=1"),
                                                false))
                .hasMessage(
                        "drop partition of p.t (partition=ds=1) failed: ErrorCode=LocalError,"
                                + " ErrorMessage=SQL instance I2 ended with Failed: ODPS-0130071: partition exists");
    }
}
