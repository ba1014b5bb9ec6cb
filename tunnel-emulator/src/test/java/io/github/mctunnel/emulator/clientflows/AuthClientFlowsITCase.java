package io.github.mctunnel.emulator.clientflows;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.Credentials;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.CommitOutcome;
import io.github.mctunnel.client.session.DownloadSession;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.auth.EmulatorCredential;
import io.github.mctunnel.emulator.fault.LoggedRequest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;

import java.util.List;

import static io.github.mctunnel.emulator.clientflows.ClientFlowsFixture.ACCESS_ID;
import static io.github.mctunnel.emulator.clientflows.ClientFlowsFixture.ACCESS_KEY;
import static io.github.mctunnel.emulator.clientflows.ClientFlowsFixture.comparable;
import static io.github.mctunnel.emulator.clientflows.ClientFlowsFixture.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** V2, V4 and STS signing of our client verified by the emulator; wrong keys fail once with 401. */
class AuthClientFlowsITCase {

    private static final String STS_ID = "STS.flows-temporary-id";
    private static final String STS_KEY = "sts-secret-0f1e2d3c4b5a";
    private static final String STS_TOKEN = "sts-token-CAIS+flows/token==";
    private static final String WRONG_KEY = "wrong-secret-5f4dcc3b5aa765d6";

    private TunnelEmulator emulator;

    @BeforeEach
    void start() throws Exception {
        emulator =
                ClientFlowsFixture.startEmulator(
                        b -> b.credential(new EmulatorCredential(STS_ID, STS_KEY, STS_TOKEN)));
        emulator.executeSql("CREATE TABLE t (id BIGINT, name STRING) PARTITIONED BY (ds STRING)");
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private TunnelClient client(Credentials credentials, String region) {
        return ClientFlowsFixture.clientBuilder(emulator)
                .credentialsProvider(new StaticCredentialsProvider(credentials))
                .region(region)
                .build();
    }

    /** Partition DDL, upload, commit and download through the meta and tunnel endpoints. */
    private static void fullFlow(TunnelClient client) throws Exception {
        TableIdentifier t = client.table("t");
        PartitionSpec ds = PartitionSpec.parse("ds=a b 中");
        assertThat(client.getTable(t).schema().partitionKeyNames()).containsExactly("ds");
        client.meta().createPartition(t, ds, true);
        UploadSession up = client.createUploadSession(t, ds, false);
        up.writeRecords(
                0,
                Compression.DEFLATE,
                w -> {
                    w.write(new Object[] {1L, "x"});
                    w.write(new Object[] {2L, "ü"});
                });
        assertThat(up.commit(List.of(0L))).isEqualTo(CommitOutcome.COMMITTED);
        DownloadSession down = client.createDownloadSession(t, ds);
        assertThat(comparable(readAll(down.openReader(0, 2, null, null, false, 10))))
                .containsExactly(List.of(1L, "x"), List.of(2L, "ü"));
    }

    private List<LoggedRequest> unauthorized() {
        return emulator.requestLog().entries(r -> r.status() == 401);
    }

    @Test
    void v2SignedFlowIsAccepted() throws Exception {
        try (TunnelClient client = client(Credentials.of(ACCESS_ID, ACCESS_KEY), null)) {
            fullFlow(client);
        }
        assertThat(unauthorized()).isEmpty();
    }

    @Test
    void v4SignedFlowIsAccepted() throws Exception {
        try (TunnelClient client = client(Credentials.of(ACCESS_ID, ACCESS_KEY), "cn-hangzhou")) {
            assertThat(client.toString()).contains("V4/cn-hangzhou");
            fullFlow(client);
        }
        assertThat(unauthorized()).isEmpty();
    }

    @Test
    void stsCredentialsWithTokenAreAcceptedWithV2AndV4() throws Exception {
        try (TunnelClient client = client(Credentials.sts(STS_ID, STS_KEY, STS_TOKEN), null)) {
            fullFlow(client);
        }
        try (TunnelClient client =
                client(Credentials.sts(STS_ID, STS_KEY, STS_TOKEN), "cn-shanghai")) {
            fullFlow(client);
        }
        assertThat(unauthorized()).isEmpty();
    }

    @Test
    void stsKeyWithoutItsTokenIsUnauthorized() throws Exception {
        try (TunnelClient client = client(Credentials.of(STS_ID, STS_KEY), null)) {
            assertUnauthorizedOnce(
                    c -> c.getTable(c.table("t")), client, "STS token", STS_KEY, STS_TOKEN);
        }
    }

    @Test
    void wrongKeyFailsOnceWith401OnMetaAndTunnelCallsV2AndV4() throws Exception {
        for (String region : new String[] {null, "cn-hangzhou"}) {
            try (TunnelClient client = client(Credentials.of(ACCESS_ID, WRONG_KEY), region)) {
                assertUnauthorizedOnce(
                        c -> c.getTable(c.table("t")), client, "does not match", WRONG_KEY);
            }
            try (TunnelClient client =
                    ClientFlowsFixture.clientBuilder(emulator)
                            .tunnelEndpoint(emulator.tunnelEndpoint())
                            .credentialsProvider(
                                    new StaticCredentialsProvider(
                                            Credentials.of(ACCESS_ID, WRONG_KEY)))
                            .region(region)
                            .build()) {
                assertUnauthorizedOnce(
                        c ->
                                c.createUploadSession(
                                        c.table("t"), PartitionSpec.parse("ds=x"), false),
                        client,
                        "does not match",
                        WRONG_KEY);
            }
        }
    }

    private void assertUnauthorizedOnce(
            ThrowingConsumer<TunnelClient> call,
            TunnelClient client,
            String messagePart,
            String... secrets) {
        emulator.requestLog().clear();
        assertThatThrownBy(() -> call.accept(client))
                .isInstanceOfSatisfying(
                        TunnelException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(401);
                            assertThat(e.errorCode()).isEqualTo("Unauthorized");
                            assertThat(e.requestId()).isNotBlank();
                            assertThat(e.getMessage())
                                    .contains("HTTP 401", "Unauthorized", messagePart)
                                    .contains("RequestId=" + e.requestId());
                            for (String secret : secrets) {
                                assertThat(e.getMessage()).doesNotContain(secret);
                                assertThat(e.toString()).doesNotContain(secret);
                            }
                            assertThat(e.getMessage()).doesNotContain(ACCESS_KEY);
                        });
        // Not retried: exactly one request reached the emulator, and it was answered 401.
        List<LoggedRequest> served = emulator.requestLog().entries();
        assertThat(served).hasSize(1);
        assertThat(served.get(0).status()).isEqualTo(401);
        assertThat(served.get(0).errorCode()).isEqualTo("Unauthorized");
    }
}
