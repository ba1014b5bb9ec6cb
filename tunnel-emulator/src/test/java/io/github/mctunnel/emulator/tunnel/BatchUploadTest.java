package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.emulator.catalog.TableState;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.server.ServiceException;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.github.mctunnel.emulator.tunnel.TunnelFixture.encode;
import static io.github.mctunnel.emulator.tunnel.TunnelFixture.params;
import static io.github.mctunnel.emulator.tunnel.TunnelFixture.pt;
import static io.github.mctunnel.emulator.tunnel.TunnelFixture.readable;
import static org.assertj.core.api.Assertions.assertThat;

class BatchUploadTest {

    private static final TableSchema SCHEMA =
            TableSchema.of(List.of(Column.of("id", "bigint"), Column.of("name", "string")));
    private static final TableSchema PARTITIONED =
            new TableSchema(SCHEMA.columns(), List.of(Column.of("pt", "string")));

    private final TunnelFixture f = new TunnelFixture();

    private String create(String table, String... extra) {
        Map<String, String> p = params(extra);
        p.put("uploads", null);
        return f.call("POST", table, "", p).json().get("UploadID").asText();
    }

    private TunnelFixture.Outcome put(String table, String id, long block, Object[]... rows) {
        return f.call(
                "PUT",
                table,
                "",
                params("uploadid", id, "blockid", Long.toString(block)),
                Map.of("Content-Type", "application/octet-stream"),
                encode(SCHEMA.columns(), Compression.RAW, List.of(rows)));
    }

    @Test
    void createAnswersTheSessionJsonTheSdkReads() {
        f.plainTable("t", SCHEMA);
        JsonNode json = f.call("POST", "t", "", params("uploads", null)).json();
        assertThat(json.get("UploadID").asText()).startsWith("20240101000000").hasSize(30);
        assertThat(json.get("Status").asText()).isEqualTo("normal");
        assertThat(json.get("MaxFieldSize").asInt()).isEqualTo(8 * 1024 * 1024);
        assertThat(json.get("QuotaName").asText()).isEmpty();
        assertThat(json.get("UploadedBlockList").isArray()).isTrue();
        assertThat(json.get("UploadedBlockList")).isEmpty();
        JsonNode col = json.get("Schema").get("columns").get(1);
        assertThat(col.get("column_id").asText()).isEqualTo("2");
        assertThat(col.get("column_id").isTextual()).isTrue();
        assertThat(col.get("name").asText()).isEqualTo("name");
        assertThat(col.get("type").asText()).isEqualTo("string");
        assertThat(col.get("nullable").isBoolean()).isTrue();
        assertThat(json.get("Schema").get("partitionKeys")).isEmpty();
    }

    @Test
    void rowsAreInvisibleUntilCommitThenVisibleInBlockOrder() {
        TableState t = f.plainTable("t", SCHEMA);
        String id = create("t");
        assertThat(put("t", id, 7, new Object[] {2L, "b"}).error()).isNull();
        assertThat(put("t", id, 3, new Object[] {1L, "a"}, new Object[] {null, ""}).error())
                .isNull();
        assertThat(t.snapshot(PartitionSpec.empty())).isEmpty();

        JsonNode reload =
                f.call("GET", "t", "", params("uploadid", id, "getblockid", "true")).json();
        assertThat(reload.get("UploadedBlockList").findValuesAsText("BlockID"))
                .containsExactly("3", "7");
        assertThat(reload.get("UploadedBlockList").get(0).get("RecordCount").asLong()).isEqualTo(2);

        JsonNode commit = f.call("POST", "t", "", params("uploadid", id)).json();
        assertThat(commit.get("Status").asText()).isEqualTo("closed");
        assertThat(readable(t.snapshot(PartitionSpec.empty())))
                .containsExactly(
                        List.of(1L, "a"), java.util.Arrays.asList(null, ""), List.of(2L, "b"));
        assertThat(f.service.stats(TableIdentifier.of("p", "t")))
                .isEqualTo(new TunnelStats(1, 0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 3));
    }

    @Test
    void repeatedCommitIsIdempotentAndWritesAfterCommitConflict() {
        TableState t = f.plainTable("t", SCHEMA);
        String id = create("t");
        put("t", id, 0, new Object[] {1L, "a"});
        JsonNode first = f.call("POST", "t", "", params("uploadid", id)).json();
        JsonNode second = f.call("POST", "t", "", params("uploadid", id)).json();
        assertThat(second).isEqualTo(first);
        assertThat(t.snapshot(PartitionSpec.empty())).hasSize(1);

        ServiceException e = put("t", id, 1, new Object[] {2L, "b"}).err();
        assertThat(e.status()).isEqualTo(409);
        assertThat(e.code()).isEqualTo("StatusConflict");
        assertThat(e.getMessage()).endsWith("upload session " + id + " is already committed");
    }

    @Test
    void rewrittenBlockReplacesTheOldOne() {
        TableState t = f.plainTable("t", SCHEMA);
        String id = create("t");
        put("t", id, 0, new Object[] {1L, "old"}, new Object[] {2L, "old"});
        put("t", id, 0, new Object[] {3L, "new"});
        f.call("POST", "t", "", params("uploadid", id)).json();
        assertThat(readable(t.snapshot(PartitionSpec.empty()))).containsExactly(List.of(3L, "new"));
    }

    @Test
    void deflateBlocksAreDecoded() {
        TableState t = f.plainTable("t", SCHEMA);
        String id = create("t");
        TunnelFixture.Outcome o =
                f.call(
                        "PUT",
                        "t",
                        "",
                        params("uploadid", id, "blockid", "0"),
                        Map.of("Content-Encoding", "deflate"),
                        encode(
                                SCHEMA.columns(),
                                Compression.DEFLATE,
                                List.<Object[]>of(new Object[] {5L, "z"})));
        assertThat(o.error()).isNull();
        f.call("POST", "t", "", params("uploadid", id)).json();
        assertThat(readable(t.snapshot(PartitionSpec.empty()))).containsExactly(List.of(5L, "z"));
    }

    @Test
    void blockIdsOutsideTheRangeAreInvalid() {
        f.plainTable("t", SCHEMA);
        String id = create("t");
        for (long bad : new long[] {-1, 20_000}) {
            ServiceException e = put("t", id, bad, new Object[] {1L, "a"}).err();
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("InvalidBlockID");
            assertThat(e.getMessage())
                    .isEqualTo(
                            "The specified block id is not valid: "
                                    + bad
                                    + " is outside [0, 20000)");
        }
        assertThat(put("t", id, 19_999, new Object[] {1L, "a"}).error()).isNull();
    }

    @Test
    void corruptBodyIsMalformedDataStream() {
        f.plainTable("t", SCHEMA);
        String id = create("t");
        byte[] body =
                encode(
                        SCHEMA.columns(),
                        Compression.RAW,
                        List.<Object[]>of(new Object[] {1L, "a"}));
        body[body.length - 1] ^= 0x01;
        ServiceException e =
                f.call("PUT", "t", "", params("uploadid", id, "blockid", "0"), Map.of(), body)
                        .err();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("MalformedDataStream");
    }

    @Test
    void overwriteReplacesThePartitionAtCommit() {
        TableState t = f.plainTable("t", PARTITIONED);
        t.createPartitionIfAbsent(pt("pt=a"));
        t.createPartitionIfAbsent(pt("pt=b"));
        t.commit(
                Map.of(
                        pt("pt=a"),
                        List.<Object[]>of(new Object[] {1L, null}),
                        pt("pt=b"),
                        List.<Object[]>of(new Object[] {9L, null})),
                false);
        String id = create("t", "partition", "pt=a", "overwrite", "true");
        put("t", id, 0, new Object[] {2L, "x"});
        assertThat(t.snapshot(pt("pt=a"))).hasSize(1);
        f.call("POST", "t", "", params("uploadid", id)).json();
        assertThat(readable(t.snapshot(pt("pt=a")))).containsExactly(List.of(2L, "x"));
        assertThat(t.snapshot(pt("pt=b"))).hasSize(1);
    }

    @Test
    void partitionErrors() {
        f.plainTable("t", PARTITIONED);
        ServiceException missing = f.call("POST", "t", "", params("uploads", null)).err();
        assertThat(missing.code()).isEqualTo("MissingPartitionSpec");
        assertThat(missing.getMessage())
                .isEqualTo(
                        "You need to specify a partitionspec along with the specified table p.t");
        ServiceException absent =
                f.call("POST", "t", "", params("uploads", null, "partition", "pt=x")).err();
        assertThat(absent.status()).isEqualTo(404);
        assertThat(absent.code()).isEqualTo("NoSuchPartition");
        ServiceException wrongKey =
                f.call("POST", "t", "", params("uploads", null, "partition", "ds=x")).err();
        assertThat(wrongKey.code()).isEqualTo("InvalidPartitionSpec");
        // Go and Python clients ask for the partition to be created.
        assertThat(
                        f.call(
                                        "POST",
                                        "t",
                                        "",
                                        params(
                                                "uploads",
                                                null,
                                                "partition",
                                                "pt=x",
                                                "create_partition",
                                                "true"))
                                .error())
                .isNull();
    }

    @Test
    void concurrentSessionLimitAndItsRelease() {
        TunnelFixture g =
                new TunnelFixture(EmulatorLimits.builder().maxConcurrentUploadSessions(2).build());
        g.plainTable("t", SCHEMA);
        String first =
                g.call("POST", "t", "", params("uploads", null)).json().get("UploadID").asText();
        g.call("POST", "t", "", params("uploads", null)).json();
        ServiceException e = g.call("POST", "t", "", params("uploads", null)).err();
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.code()).isEqualTo("FlowExceeded");
        assertThat(e.getMessage())
                .isEqualTo(
                        "Table p.t already has 2 open UploadSessions; the limit is 2. Commit or"
                                + " let sessions expire before creating more");
        assertThat(e.headers()).containsEntry("Retry-After", "1");
        g.call("POST", "t", "", params("uploadid", first)).json();
        assertThat(g.call("POST", "t", "", params("uploads", null)).error()).isNull();
    }

    @Test
    void sessionCreationRateLimitSlidesWithTheClock() {
        TunnelFixture g =
                new TunnelFixture(
                        EmulatorLimits.builder()
                                .uploadSessionRate(2, Duration.ofMinutes(5))
                                .build());
        g.plainTable("t", SCHEMA);
        g.call("POST", "t", "", params("uploads", null)).json();
        g.clock.advance(Duration.ofMinutes(1));
        g.call("POST", "t", "", params("uploads", null)).json();
        ServiceException e = g.call("POST", "t", "", params("uploads", null)).err();
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.code()).isEqualTo("FlowExceeded");
        assertThat(e.getMessage())
                .isEqualTo(
                        "Table p.t exceeded its quota of 2 UploadSessions created per 5 min; retry"
                                + " later");
        assertThat(e.headers()).containsEntry("Retry-After", "240");
        g.clock.advance(Duration.ofMinutes(4));
        assertThat(g.call("POST", "t", "", params("uploads", null)).error()).isNull();
    }

    @Test
    void blockAndCommitRateLimits() {
        TunnelFixture g =
                new TunnelFixture(
                        EmulatorLimits.builder()
                                .blockRate(2, Duration.ofMinutes(5))
                                .commitRate(1, Duration.ofSeconds(15))
                                .build());
        g.plainTable("t", SCHEMA);
        String a = g.call("POST", "t", "", params("uploads", null)).json().get("UploadID").asText();
        String b = g.call("POST", "t", "", params("uploads", null)).json().get("UploadID").asText();
        byte[] body =
                encode(
                        SCHEMA.columns(),
                        Compression.RAW,
                        List.<Object[]>of(new Object[] {1L, "a"}));
        for (int i = 0; i < 2; i++) {
            assertThat(
                            g.call(
                                            "PUT",
                                            "t",
                                            "",
                                            params("uploadid", a, "blockid", "" + i),
                                            Map.of(),
                                            body)
                                    .error())
                    .isNull();
        }
        ServiceException blocks =
                g.call("PUT", "t", "", params("uploadid", a, "blockid", "2"), Map.of(), body).err();
        assertThat(blocks.code()).isEqualTo("FlowExceeded");
        assertThat(blocks.getMessage())
                .isEqualTo(
                        "Table p.t exceeded its quota of 2 blocks written per 5 min; retry later");

        g.call("POST", "t", "", params("uploadid", a)).json();
        ServiceException commits = g.call("POST", "t", "", params("uploadid", b)).err();
        assertThat(commits.status()).isEqualTo(429);
        assertThat(commits.getMessage())
                .isEqualTo("Table p.t exceeded its quota of 1 commits per 15 s; retry later");
        g.clock.advance(Duration.ofSeconds(15));
        assertThat(g.call("POST", "t", "", params("uploadid", b)).error()).isNull();
    }

    @Test
    void expiredSessionsAreGone() {
        f.plainTable("t", SCHEMA);
        String early = create("t");
        f.service.expireSession(early);
        ServiceException e = f.call("GET", "t", "", params("uploadid", early)).err();
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.code()).isEqualTo("NoSuchUpload");
        assertThat(e.getMessage())
                .isEqualTo("The upload session " + early + " has expired (sessions live PT24H)");

        String late = create("t");
        f.clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertThat(put("t", late, 0, new Object[] {1L, "a"}).error()).isNull();
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(f.call("POST", "t", "", params("uploadid", late)).err().code())
                .isEqualTo("NoSuchUpload");
        assertThat(f.call("GET", "t", "", params("uploadid", "nope")).err().getMessage())
                .isEqualTo("The specified upload session nope does not exist");
    }
}
