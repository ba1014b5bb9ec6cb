package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.emulator.catalog.TableState;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.server.ServiceException;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.github.mctunnel.emulator.tunnel.TunnelFixture.decode;
import static io.github.mctunnel.emulator.tunnel.TunnelFixture.params;
import static io.github.mctunnel.emulator.tunnel.TunnelFixture.pt;
import static io.github.mctunnel.emulator.tunnel.TunnelFixture.readable;
import static org.assertj.core.api.Assertions.assertThat;

class BatchDownloadTest {

    private static final TableSchema SCHEMA =
            new TableSchema(
                    List.of(
                            Column.of("id", "bigint"),
                            Column.of("name", "string"),
                            Column.of("score", "double")),
                    List.of(Column.of("pt", "string")));

    private final TunnelFixture f = new TunnelFixture();
    private TableState t;

    @BeforeEach
    void table() {
        t = f.plainTable("t", SCHEMA);
        t.createPartitionIfAbsent(pt("pt=a"));
        t.commit(
                Map.of(
                        pt("pt=a"),
                        List.of(
                                new Object[] {1L, "one".getBytes(), 1.5},
                                new Object[] {2L, "two".getBytes(), null},
                                new Object[] {3L, null, 3.5})),
                false);
    }

    private String create() {
        JsonNode json =
                f.call("POST", "t", "", params("downloads", null, "partition", "pt=a")).json();
        assertThat(json.get("Status").asText()).isEqualTo("normal");
        return json.get("DownloadID").asText();
    }

    private TunnelFixture.Outcome read(String id, String... extra) {
        Map<String, String> p = params(extra);
        p.put("data", null);
        p.put("downloadid", id);
        p.put("partition", "pt=a");
        return f.call("GET", "t", "", p);
    }

    @Test
    void createReportsTheRecordCountAndSchema() {
        JsonNode json =
                f.call("POST", "t", "", params("downloads", null, "partition", "pt=a")).json();
        assertThat(json.get("RecordCount").asLong()).isEqualTo(3);
        assertThat(json.get("Schema").get("partitionKeys").get(0).get("name").asText())
                .isEqualTo("pt");
        assertThat(json.get("Schema").get("partitionKeys").get(0).get("column_id").asText())
                .isEqualTo("4");
        JsonNode reload =
                f.call("GET", "t", "", params("downloadid", json.get("DownloadID").asText()))
                        .json();
        assertThat(reload.get("RecordCount").asLong()).isEqualTo(3);
    }

    @Test
    void readsARowRangeInRawForm() {
        String id = create();
        byte[] body = read(id, "rowrange", "(1,2)").response().bodyBytes();
        assertThat(readable(decode(SCHEMA.columns(), Compression.RAW, body)))
                .containsExactly(
                        java.util.Arrays.asList(2L, "two", null),
                        java.util.Arrays.asList(3L, null, 3.5));
    }

    @Test
    void projectionFollowsTheCallersOrder() {
        String id = create();
        byte[] body = read(id, "rowrange", "(0,3)", "columns", "score,id").response().bodyBytes();
        List<Column> projected = List.of(SCHEMA.column(2), SCHEMA.column(0));
        assertThat(readable(decode(projected, Compression.RAW, body)))
                .containsExactly(
                        List.of(1.5, 1L), java.util.Arrays.asList(null, 2L), List.of(3.5, 3L));
        ServiceException e = read(id, "rowrange", "(0,3)", "columns", "id,nope").err();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("InvalidColumnSpec");
        assertThat(e.getMessage())
                .isEqualTo(
                        "The specified column 'nope' is not a data column; columns are [id, name,"
                                + " score]");
    }

    @Test
    void compressesWithTheFirstSupportedAcceptedEncoding() {
        String id = create();
        Map<String, String> p =
                params("data", null, "downloadid", id, "partition", "pt=a", "rowrange", "(0,1)");
        TunnelFixture.Outcome o =
                f.call("GET", "t", "", p, Map.of("Accept-Encoding", "gzip, deflate"), new byte[0]);
        byte[] body = o.response().bodyBytes();
        assertThat(body[0]).isEqualTo((byte) 0x78);
        assertThat(readable(decode(SCHEMA.columns(), Compression.DEFLATE, body)))
                .containsExactly(List.of(1L, "one", 1.5));
    }

    @Test
    void rowRangesOutsideTheSessionAreInvalid() {
        String id = create();
        for (String bad : new String[] {"(2,2)", "(-1,1)", "(4,0)", "(0,x)", "0,1"}) {
            ServiceException e = read(id, "rowrange", bad).err();
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("InvalidRowRange");
        }
        assertThat(read(id, "rowrange", "(2,2)").err().getMessage())
                .isEqualTo(
                        "The specified row range is not valid: (2,2) is outside the session's 3"
                                + " rows");
        assertThat(
                        decode(
                                SCHEMA.columns(),
                                Compression.RAW,
                                read(id, "rowrange", "(3,0)").response().bodyBytes()))
                .isEmpty();
    }

    @Test
    void sessionSeesItsSnapshotAndDetectsModification() {
        String id = create();
        t.commit(Map.of(pt("pt=a"), List.<Object[]>of(new Object[] {4L, null, null})), false);
        ServiceException e = read(id, "rowrange", "(0,3)").err();
        assertThat(e.status()).isEqualTo(409);
        assertThat(e.code()).isEqualTo("TableModified");
        assertThat(e.getMessage())
                .isEqualTo(
                        "The specified table p.t partition pt=a has been modified since the"
                                + " download initiated. Try initiate another download.");
        byte[] body =
                read(id, "rowrange", "(0,3)", "disable_modified_check", "true")
                        .response()
                        .bodyBytes();
        assertThat(decode(SCHEMA.columns(), Compression.RAW, body))
                .extracting(r -> r[0])
                .containsExactly(1L, 2L, 3L);
        assertThat(create()).isNotEqualTo(id);
    }

    @Test
    void downloadSessionRateLimit() {
        TunnelFixture g =
                new TunnelFixture(
                        EmulatorLimits.builder()
                                .downloadSessionRate(1, Duration.ofMinutes(5))
                                .build());
        g.plainTable("t", TableSchema.of(SCHEMA.columns()));
        g.call("POST", "t", "", params("downloads", null)).json();
        ServiceException e = g.call("POST", "t", "", params("downloads", null)).err();
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.code()).isEqualTo("FlowExceeded");
        assertThat(e.getMessage())
                .isEqualTo(
                        "Table p.t exceeded its quota of 1 DownloadSessions created per 5 min;"
                                + " retry later");
    }

    @Test
    void missingPartitionIsNoSuchPartition() {
        ServiceException e =
                f.call("POST", "t", "", params("downloads", null, "partition", "pt=zz")).err();
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.code()).isEqualTo("NoSuchPartition");
    }

    @Test
    void readerLifetimeEndsALongRead() {
        TickingClock clock = new TickingClock();
        io.github.mctunnel.emulator.catalog.Catalog catalog =
                io.github.mctunnel.emulator.catalog.Catalog.inMemory(List.of("p"), clock);
        TunnelService service =
                new TunnelService(
                        catalog,
                        EmulatorLimits.builder().readerLifetime(Duration.ofSeconds(300)).build(),
                        clock,
                        TunnelFixture.HOST);
        TableState big =
                catalog.createTable(
                        io.github.mctunnel.emulator.catalog.TableDefinition.plain(
                                io.github.mctunnel.client.schema.TableIdentifier.of("p", "big"),
                                TableSchema.of(List.of(Column.of("id", "bigint")))),
                        false);
        List<Object[]> rows = new ArrayList<>();
        for (long i = 0; i < 5000; i++) {
            rows.add(new Object[] {i});
        }
        big.commit(Map.of(io.github.mctunnel.client.schema.PartitionSpec.empty(), rows), false);
        io.github.mctunnel.emulator.server.EmulatorResponse resp =
                new io.github.mctunnel.emulator.server.EmulatorResponse();
        try {
            service.handle(
                    io.github.mctunnel.emulator.server.EmulatorRequest.of(
                            "POST",
                            "/projects/p/tables/big?downloads",
                            Map.of(),
                            new java.io.ByteArrayInputStream(new byte[0]),
                            "x"),
                    resp,
                    "p",
                    null,
                    "big",
                    "");
            String id = TunnelFixture.JSON.readTree(resp.bodyBytes()).get("DownloadID").asText();
            // Every clock read moves 100 s: the check after 1024 rows is at 200 s of the
            // 300 s lifetime, the one after 2048 rows at 300 s. The rows are produced while the
            // body is sent, so the lifetime ends the sending (the server then cuts the connection).
            clock.tick = Duration.ofSeconds(100);
            io.github.mctunnel.emulator.server.EmulatorResponse data =
                    new io.github.mctunnel.emulator.server.EmulatorResponse();
            service.handle(
                    io.github.mctunnel.emulator.server.EmulatorRequest.of(
                            "GET",
                            "/projects/p/tables/big?data&downloadid="
                                    + id
                                    + "&rowrange=%280%2C5000%29",
                            Map.of(),
                            new java.io.ByteArrayInputStream(new byte[0]),
                            "x"),
                    data,
                    "p",
                    null,
                    "big",
                    "");
            assertThat(data.status()).isEqualTo(200);
            ServiceException e =
                    org.junit.jupiter.api.Assertions.assertThrows(
                            ServiceException.class, data::bodyBytes);
            assertThat(e.status()).isEqualTo(408);
            assertThat(e.code()).isEqualTo("RequestTimeOut");
            assertThat(e.getMessage())
                    .isEqualTo(
                            "The download request exceeded the reader lifetime of 300 s; read the"
                                    + " rest with a new request from row 2048");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void capPacesEveryDownloadRequestOnItsOwn() throws Exception {
        long cap = 100_000;
        TunnelFixture capped =
                new TunnelFixture(EmulatorLimits.builder().bandwidthBytesPerSecond(cap).build());
        TableState big =
                capped.plainTable(
                        "big",
                        TableSchema.of(
                                List.of(Column.of("id", "bigint"), Column.of("s", "string"))));
        List<Object[]> rows = new ArrayList<>();
        for (long i = 0; i < 2_000; i++) {
            rows.add(new Object[] {i, "x".repeat(40).getBytes()});
        }
        big.commit(Map.of(io.github.mctunnel.client.schema.PartitionSpec.empty(), rows), false);
        String id =
                capped.call("POST", "big", "", params("downloads", null))
                        .json()
                        .get("DownloadID")
                        .asText();
        Callable<long[]> read =
                () -> {
                    long t0 = System.nanoTime();
                    byte[] body =
                            capped.call(
                                            "GET",
                                            "big",
                                            "",
                                            params(
                                                    "data",
                                                    null,
                                                    "downloadid",
                                                    id,
                                                    "rowrange",
                                                    "(0,2000)"))
                                    .response()
                                    .bodyBytes();
                    return new long[] {body.length, System.nanoTime() - t0};
                };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            long t0 = System.nanoTime();
            Future<long[]> first = pool.submit(read);
            Future<long[]> second = pool.submit(read);
            long[] a = first.get();
            long[] b = second.get();
            long both = System.nanoTime() - t0;
            // about 100 KB each: a second at the cap
            double paced = a[0] * 1e9 / cap;
            assertThat(a[0]).isGreaterThan(90_000).isEqualTo(b[0]);
            // each request is paced to the cap ...
            assertThat((double) a[1]).isGreaterThanOrEqualTo(paced * 0.95);
            assertThat((double) b[1]).isGreaterThanOrEqualTo(paced * 0.95);
            // ... on its own: two at once take about as long as one, not twice as long
            assertThat((double) both).isLessThan(paced * 1.8);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A clock that moves by {@code tick} every time it is read. */
    private static final class TickingClock extends Clock {
        private Instant now = Instant.parse("2024-01-01T00:00:00Z");
        Duration tick = Duration.ZERO;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public synchronized Instant instant() {
            now = now.plus(tick);
            return now;
        }
    }
}
