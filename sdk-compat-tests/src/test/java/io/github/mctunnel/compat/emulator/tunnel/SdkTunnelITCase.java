package io.github.mctunnel.compat.emulator.tunnel;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.emulator.catalog.Catalog;
import io.github.mctunnel.emulator.catalog.TableDefinition;
import io.github.mctunnel.emulator.catalog.TableState;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.server.EmulatorHttpServer;
import io.github.mctunnel.emulator.server.EmulatorRouter;
import io.github.mctunnel.emulator.server.ServiceException;
import io.github.mctunnel.emulator.tunnel.TunnelService;

import com.aliyun.odps.Odps;
import com.aliyun.odps.PartitionSpec;
import com.aliyun.odps.account.AliyunAccount;
import com.aliyun.odps.data.Binary;
import com.aliyun.odps.data.Char;
import com.aliyun.odps.data.Record;
import com.aliyun.odps.data.RecordReader;
import com.aliyun.odps.data.RecordWriter;
import com.aliyun.odps.data.SimpleStruct;
import com.aliyun.odps.data.Varchar;
import com.aliyun.odps.tunnel.TableTunnel;
import com.aliyun.odps.tunnel.io.TunnelRecordReader;
import com.aliyun.odps.tunnel.streams.UpsertStream;
import com.aliyun.odps.type.StructTypeInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official SDK (0.57.1-public) against the emulator's tunnel data plane over HTTP. */
class SdkTunnelITCase {

    private static final String ALL_TYPES =
            "c_bigint bigint, c_int int, c_smallint smallint, c_tinyint tinyint, c_boolean boolean,"
                    + " c_double double, c_float float, c_string string, c_varchar varchar(10),"
                    + " c_char char(5), c_binary binary, c_datetime datetime, c_date date,"
                    + " c_timestamp timestamp, c_timestamp_ntz timestamp_ntz,"
                    + " c_decimal decimal(18,3), c_array array<bigint>,"
                    + " c_map map<string,bigint>, c_struct struct<a:bigint,b:string>";

    private Catalog catalog;
    private EmulatorHttpServer server;
    private TunnelService service;
    private TableTunnel tunnel;

    @BeforeEach
    void start() throws Exception {
        catalog = Catalog.inMemory(List.of("p"), Clock.systemUTC());
        AtomicReference<TunnelService> ref = new AtomicReference<>();
        server =
                new EmulatorHttpServer(
                        InetAddress.getLoopbackAddress(),
                        0,
                        List.of(),
                        new EmulatorRouter(
                                (req, resp) -> {
                                    throw new ServiceException(404, "NoSuchObject", "no meta");
                                },
                                (req, resp, p, s, t, suffix) ->
                                        ref.get().handle(req, resp, p, s, t, suffix)));
        server.start();
        String hostPort = "127.0.0.1:" + server.port();
        service =
                new TunnelService(catalog, EmulatorLimits.defaults(), Clock.systemUTC(), hostPort);
        ref.set(service);
        Odps odps = new Odps(new AliyunAccount("ak", "sk"));
        odps.setEndpoint("http://" + hostPort + "/api");
        odps.setDefaultProject("p");
        odps.setTunnelEndpoint("http://" + hostPort);
        tunnel = new TableTunnel(odps);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static TableSchema schema(String ddl, String... partitionKeys) {
        List<Column> columns = new ArrayList<>();
        for (String def : splitTopLevel(ddl)) {
            String[] nameType = def.trim().split(" ", 2);
            columns.add(Column.of(nameType[0], TypeInfo.parse(nameType[1])));
        }
        List<Column> keys = new ArrayList<>();
        for (String k : partitionKeys) {
            keys.add(Column.of(k, "string"));
        }
        return new TableSchema(columns, keys);
    }

    private static List<String> splitTopLevel(String ddl) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < ddl.length(); i++) {
            char c = ddl.charAt(i);
            if (c == '<' || c == '(') {
                depth++;
            } else if (c == '>' || c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(ddl.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(ddl.substring(start));
        return parts;
    }

    private void fill(Record r, int seed) {
        r.setBigint(0, 1_000_000_000_000L + seed);
        r.set(1, -2 - seed);
        r.set(2, (short) (3 + seed));
        r.set(3, (byte) (-4 - seed));
        r.setBoolean(4, seed % 2 == 0);
        r.setDouble(5, 1.5 + seed);
        r.set(6, 2.5f + seed);
        r.setString(7, "héllo-" + seed);
        r.set(8, new Varchar("vc" + seed));
        r.set(9, new Char("ch" + seed));
        r.set(10, new Binary(new byte[] {0, (byte) 0xff, (byte) seed}));
        r.set(
                11,
                ZonedDateTime.ofInstant(
                        Instant.ofEpochMilli(1704067200123L + seed), ZoneId.systemDefault()));
        r.set(12, LocalDate.of(2024, 1, 1).plusDays(seed));
        r.set(13, Instant.ofEpochSecond(1704067200L + seed, 123456789));
        r.set(14, LocalDateTime.of(2024, 1, 1, 0, 0, 0, 5 + seed));
        r.set(15, new BigDecimal("12.345").add(BigDecimal.valueOf(seed)));
        r.set(16, Arrays.asList(1L, null, 3L + seed));
        Map<String, Long> map = new LinkedHashMap<>();
        map.put("n", null);
        map.put("k" + seed, 1L);
        r.set(17, map);
        r.set(
                18,
                new SimpleStruct(
                        (StructTypeInfo) r.getColumns()[18].getTypeInfo(),
                        Arrays.asList(7L + seed, "x" + seed)));
    }

    private static void assertSameValues(Record actual, Record expected, int[] columns) {
        for (int i = 0; i < columns.length; i++) {
            Object a = actual.get(i);
            Object e = expected.get(columns[i]);
            String name = expected.getColumns()[columns[i]].getName();
            if (e instanceof ZonedDateTime z) {
                assertThat(((ZonedDateTime) a).toInstant()).as(name).isEqualTo(z.toInstant());
            } else if (e instanceof String s) {
                assertThat(actual.getString(i)).as(name).isEqualTo(s);
            } else if (e instanceof SimpleStruct s) {
                assertThat(((SimpleStruct) a).getFieldValues())
                        .as(name)
                        .isEqualTo(s.getFieldValues());
            } else if (a instanceof byte[] bytes) {
                assertThat(new String(bytes, StandardCharsets.UTF_8)).as(name).isEqualTo(e);
            } else {
                assertThat(a).as(name).isEqualTo(e);
            }
        }
    }

    @Test
    void uploadEveryTypeRawAndDeflateThenDownloadWithRangesAndProjection() throws Exception {
        catalog.createTable(
                TableDefinition.plain(TableIdentifier.of("p", "t"), schema(ALL_TYPES)), false);
        TableTunnel.UploadSession up = tunnel.createUploadSession("p", "t");
        List<Record> expected = new ArrayList<>();
        for (int block = 0; block < 2; block++) {
            try (RecordWriter w = up.openRecordWriter(block, block == 1)) {
                for (int i = 0; i < 3; i++) {
                    Record r = up.newRecord();
                    fill(r, block * 3 + i);
                    w.write(r);
                    expected.add(r);
                }
            }
        }
        Record nulls = up.newRecord();
        try (RecordWriter w = up.openRecordWriter(2)) {
            w.write(nulls);
        }
        expected.add(nulls);
        assertThat(up.getBlockList()).containsExactlyInAnyOrder(0L, 1L, 2L);
        up.commit(new Long[] {0L, 1L, 2L});

        TableTunnel.DownloadSession down = tunnel.createDownloadSession("p", "t");
        assertThat(down.getRecordCount()).isEqualTo(7);
        int[] all = new int[19];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        try (TunnelRecordReader reader = down.openRecordReader(0, 7, true)) {
            for (Record e : expected) {
                assertSameValues(reader.read(), e, all);
            }
            assertThat(reader.read()).isNull();
        }
        List<com.aliyun.odps.Column> projected =
                List.of(
                        down.getSchema().getColumn("c_string"),
                        down.getSchema().getColumn("c_bigint"));
        try (RecordReader reader = down.openRecordReader(2, 3, false, projected)) {
            for (int i = 2; i < 5; i++) {
                assertSameValues(reader.read(), expected.get(i), new int[] {7, 0});
            }
            assertThat(reader.read()).isNull();
        }
        assertThatThrownBy(() -> down.openRecordReader(5, 3).read())
                .hasMessageContaining("InvalidRowRange");
    }

    @Test
    void writesToACommittedSessionAndBadBlockIdsFail() throws Exception {
        catalog.createTable(
                TableDefinition.plain(TableIdentifier.of("p", "t"), schema("id bigint")), false);
        TableTunnel.UploadSession up = tunnel.createUploadSession("p", "t");
        RecordWriter bad = up.openRecordWriter(20_000);
        Record r = up.newRecord();
        r.setBigint(0, 1L);
        bad.write(r);
        assertThatThrownBy(bad::close).hasMessageContaining("InvalidBlockID");
        up.commit(new Long[0]);
        up.commit(new Long[0]);
    }

    @Test
    void streamUploadFlushesRecordPacks() throws Exception {
        TableState t =
                catalog.createTable(
                        TableDefinition.plain(
                                TableIdentifier.of("p", "t"),
                                schema("id bigint, name string", "pt")),
                        false);
        TableTunnel.StreamUploadSession session =
                tunnel.buildStreamUploadSession("p", "t")
                        .setPartitionSpec(new PartitionSpec("pt='a'"))
                        .setCreatePartition(true)
                        .setSlotNum(2)
                        .build();
        for (int pack = 0; pack < 2; pack++) {
            TableTunnel.StreamRecordPack p = session.newRecordPack();
            for (int i = 0; i < 3; i++) {
                Record r = session.newRecord();
                r.setBigint(0, (long) pack * 10 + i);
                r.setString(1, "n" + i);
                p.append(r);
            }
            p.flush();
        }
        List<Object[]> rows =
                t.snapshot(io.github.mctunnel.client.schema.PartitionSpec.parse("pt=a"));
        assertThat(rows).extracting(row -> row[0]).containsExactly(0L, 1L, 2L, 10L, 11L, 12L);
        assertThat(new String((byte[]) rows.get(5)[1], StandardCharsets.UTF_8)).isEqualTo("n2");
        assertThat(service.stats(TableIdentifier.of("p", "t")).flushes()).isEqualTo(2);
    }

    @Test
    void upsertSessionUpsertsDeletesAndCommits() throws Exception {
        TableSchema schema =
                new TableSchema(
                        List.of(
                                new Column("k", TypeInfo.parse("bigint"), false, "", null),
                                Column.of("v", "string")),
                        List.of());
        TableState t =
                catalog.createTable(
                        TableDefinition.delta(TableIdentifier.of("p", "d"), schema, List.of("k")),
                        false);
        t.commit(
                Map.of(
                        io.github.mctunnel.client.schema.PartitionSpec.empty(),
                        List.<Object[]>of(
                                new Object[] {1L, "old".getBytes(StandardCharsets.UTF_8)})),
                false);
        TableTunnel.UpsertSession session = tunnel.buildUpsertSession("p", "d").build();
        try {
            UpsertStream stream = session.buildUpsertStream().build();
            for (long k = 1; k <= 20; k++) {
                Record r = session.newRecord();
                r.setBigint(0, k);
                r.setString(1, "v" + k);
                stream.upsert(r);
            }
            Record del = session.newRecord();
            del.setBigint(0, 2L);
            stream.delete(del);
            stream.close();
            assertThat(t.snapshot(io.github.mctunnel.client.schema.PartitionSpec.empty()))
                    .hasSize(1);
            session.commit(false);
        } finally {
            session.close();
        }
        Map<Long, String> rows = new LinkedHashMap<>();
        for (Object[] row : t.snapshot(io.github.mctunnel.client.schema.PartitionSpec.empty())) {
            rows.put((Long) row[0], new String((byte[]) row[1], StandardCharsets.UTF_8));
        }
        assertThat(rows)
                .hasSize(19)
                .containsEntry(1L, "v1")
                .containsEntry(20L, "v20")
                .doesNotContainKey(2L);
    }

    /**
     * The SDK's partial-column update ({@code upsert(record, columns)}, {@code __value_cols} with
     * the columns' {@code column_id}s): the emulator applies it keeping the other columns, where
     * the table sets {@code acid.partial.fields.update.enable}; elsewhere the SDK itself refuses it
     * from the session's {@code enable_partial_update}.
     */
    @Test
    void sdkPartialUpdatesKeepTheOtherColumns() throws Exception {
        TableSchema schema =
                new TableSchema(
                        List.of(
                                new Column("k", TypeInfo.parse("bigint"), false, "", null),
                                Column.of("a", "string"),
                                Column.of("b", "bigint"),
                                Column.of("c", "string")),
                        List.of());
        TableState t =
                catalog.createTable(
                        new TableDefinition(
                                TableIdentifier.of("p", "wide"),
                                schema,
                                "",
                                List.of("k"),
                                true,
                                2,
                                Map.of(
                                        "transactional",
                                        "true",
                                        "acid.partial.fields.update.enable",
                                        "true"),
                                -1),
                        false);
        io.github.mctunnel.client.schema.PartitionSpec all =
                io.github.mctunnel.client.schema.PartitionSpec.empty();
        t.commit(
                Map.of(
                        all,
                        List.<Object[]>of(
                                new Object[] {1L, bytes("a1"), 10L, bytes("c1")},
                                new Object[] {2L, bytes("a2"), 20L, bytes("c2")})),
                false);
        TableTunnel.UpsertSession session = tunnel.buildUpsertSession("p", "wide").build();
        try {
            UpsertStream stream = session.buildUpsertStream().build();
            Record r = session.newRecord();
            r.setBigint(0, 1L);
            r.setString(1, "ignored");
            r.setBigint(2, 11L);
            stream.upsert(r, List.of("b"));
            r = session.newRecord();
            r.setBigint(0, 2L);
            r.setString(1, "a2x");
            r.setString(3, "c2x");
            stream.upsert(r, List.of("a", "c"));
            r = session.newRecord();
            r.setBigint(0, 3L);
            r.setString(1, "ignored");
            r.setBigint(2, 30L);
            stream.upsert(r, List.of("b"));
            stream.close();
            session.commit(false);
        } finally {
            session.close();
        }
        Map<Long, List<Object>> rows = new LinkedHashMap<>();
        for (Object[] row : t.snapshot(all)) {
            rows.put((Long) row[0], java.util.Arrays.asList(text(row[1]), row[2], text(row[3])));
        }
        assertThat(rows)
                .hasSize(3)
                .containsEntry(1L, List.of("a1", 11L, "c1"))
                .containsEntry(2L, List.of("a2x", 20L, "c2x"))
                .containsEntry(3L, java.util.Arrays.asList(null, 30L, null));

        catalog.createTable(
                TableDefinition.delta(TableIdentifier.of("p", "plain"), schema, List.of("k")),
                false);
        TableTunnel.UpsertSession plain = tunnel.buildUpsertSession("p", "plain").build();
        try {
            UpsertStream stream = plain.buildUpsertStream().build();
            Record r = plain.newRecord();
            r.setBigint(0, 1L);
            r.setBigint(2, 1L);
            assertThatThrownBy(() -> stream.upsert(r, List.of("b")))
                    .hasMessageContaining(
                            "do not support partial update, consider set table properties"
                                    + " 'acid.partial.fields.update.enable=true'");
        } finally {
            plain.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Object v) {
        return v == null ? null : new String((byte[]) v, StandardCharsets.UTF_8);
    }
}
