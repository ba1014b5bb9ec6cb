package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.emulator.catalog.TableState;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.server.ServiceException;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.github.mctunnel.emulator.tunnel.TunnelFixture.encode;
import static io.github.mctunnel.emulator.tunnel.TunnelFixture.params;
import static io.github.mctunnel.emulator.tunnel.TunnelFixture.pt;
import static io.github.mctunnel.emulator.tunnel.TunnelFixture.readable;
import static org.assertj.core.api.Assertions.assertThat;

class StreamAndUpsertTest {

    private static final TableSchema PARTITIONED =
            new TableSchema(
                    List.of(Column.of("id", "bigint"), Column.of("name", "string")),
                    List.of(Column.of("pt", "string")));

    private static final TableSchema DELTA =
            TableSchema.of(
                    List.of(
                            new Column("k", TypeInfo.parse("bigint"), false, "", null),
                            Column.of("v", "string")));

    private TunnelFixture.Outcome flush(
            TunnelFixture f, String session, String slot, List<Object[]> rows, String... extra) {
        Map<String, String> p =
                params(
                        "uploadid",
                        session,
                        "slotid",
                        slot,
                        "record_count",
                        Integer.toString(rows.size()),
                        "schema_version",
                        "0");
        p.putAll(params(extra));
        return f.call(
                "PUT",
                "t",
                "streams",
                p,
                Map.of("Content-Encoding", "deflate"),
                encode(PARTITIONED.columns(), Compression.DEFLATE, rows));
    }

    @Test
    void streamSessionSlotsFlushHeadersAndVisibility() {
        TunnelFixture f = new TunnelFixture();
        TableState t = f.plainTable("t", PARTITIONED);
        JsonNode json =
                f.call(
                                "POST",
                                "t",
                                "streams",
                                params("partition", "pt=a", "create_partition", null),
                                Map.of("odps-tunnel-slot-num", "2"),
                                new byte[0])
                        .json();
        assertThat(json.get("status").asText()).isEqualTo("normal");
        assertThat(json.get("schema_version").asInt()).isZero();
        assertThat(json.get("slots").toString())
                .isEqualTo("[[1,\"127.0.0.1:8080\"],[2,\"127.0.0.1:8080\"]]");
        String id = json.get("session_name").asText();

        TunnelFixture.Outcome o =
                flush(
                        f,
                        id,
                        "2",
                        List.<Object[]>of(new Object[] {1L, "x"}, new Object[] {2L, null}));
        assertThat(o.error()).isNull();
        assertThat(o.response().status()).isEqualTo(200);
        assertThat(o.response().headerValue("odps-tunnel-slot-num")).isEqualTo("2");
        assertThat(o.response().headerValue("odps-tunnel-routed-server"))
                .isEqualTo("127.0.0.1:8080");
        assertThat(o.response().headerValue("odps-tunnel-batch-id")).isEqualTo("0");
        assertThat(readable(t.snapshot(pt("pt=a"))))
                .containsExactly(List.of(1L, "x"), Arrays.asList(2L, null));

        assertThat(
                        flush(f, id, "1", List.<Object[]>of(new Object[] {3L, "y"}))
                                .response()
                                .headerValue("odps-tunnel-batch-id"))
                .isEqualTo("1");
        JsonNode reloadGet = f.call("GET", "t", "streams", params("uploadid", id)).json();
        JsonNode reloadPost = f.call("POST", "t", "streams", params("uploadid", id)).json();
        assertThat(reloadGet.get("last_batch_id").asText()).isEqualTo("1");
        assertThat(reloadPost).isEqualTo(reloadGet);

        ServiceException badSlot =
                flush(f, id, "3", List.<Object[]>of(new Object[] {1L, "x"})).err();
        assertThat(badSlot.code()).isEqualTo("InvalidArgument");
        TunnelStats stats = f.service.stats(TableIdentifier.of("p", "t"));
        assertThat(stats.flushes()).isEqualTo(2);
        assertThat(stats.streamSlotsInUse()).isEqualTo(2);
        assertThat(stats.rowsCommitted()).isEqualTo(3);
    }

    @Test
    void streamWithoutCreatePartitionNeedsAnExistingPartition() {
        TunnelFixture f = new TunnelFixture();
        f.plainTable("t", PARTITIONED);
        ServiceException e = f.call("POST", "t", "streams", params("partition", "pt=a")).err();
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.code()).isEqualTo("NoSuchPartition");
    }

    @Test
    void slotsPerPartitionAndPartitionsPerTable() {
        TunnelFixture f =
                new TunnelFixture(
                        EmulatorLimits.builder()
                                .maxSlotsPerPartition(3)
                                .maxStreamPartitionsPerTable(2)
                                .build());
        f.plainTable("t", PARTITIONED);
        Map<String, String> two = Map.of("odps-tunnel-slot-num", "2");
        f.call(
                        "POST",
                        "t",
                        "streams",
                        params("partition", "pt=a", "create_partition", null),
                        two,
                        new byte[0])
                .json();
        ServiceException slots =
                f.call("POST", "t", "streams", params("partition", "pt=a"), two, new byte[0]).err();
        assertThat(slots.status()).isEqualTo(429);
        assertThat(slots.code()).isEqualTo("SlotExceeded");
        assertThat(slots.getMessage())
                .isEqualTo(
                        "Partition 'pt=a' of table p.t has 2 of 3 slots in use; 2 more requested");
        String b =
                f.call(
                                "POST",
                                "t",
                                "streams",
                                params("partition", "pt=b", "create_partition", null))
                        .json()
                        .get("session_name")
                        .asText();
        ServiceException partitions =
                f.call(
                                "POST",
                                "t",
                                "streams",
                                params("partition", "pt=c", "create_partition", null))
                        .err();
        assertThat(partitions.code()).isEqualTo("SlotExceeded");
        assertThat(partitions.getMessage())
                .isEqualTo("Table p.t already streams into 2 partitions; the limit is 2");
        f.service.expireSession(b);
        assertThat(
                        f.call(
                                        "POST",
                                        "t",
                                        "streams",
                                        params("partition", "pt=c", "create_partition", null))
                                .error())
                .isNull();
    }

    @Test
    void idleStreamSessionsReleaseTheirPartitionsAndReacquireOnTheNextFlush() {
        TunnelFixture f =
                new TunnelFixture(
                        EmulatorLimits.builder()
                                .maxStreamPartitionsPerTable(2)
                                .streamSlotIdleTimeout(Duration.ofSeconds(60))
                                .build());
        f.plainTable("t", PARTITIONED);
        String a =
                f.call(
                                "POST",
                                "t",
                                "streams",
                                params("partition", "pt=a", "create_partition", null))
                        .json()
                        .get("session_name")
                        .asText();
        String dynamic =
                f.call("POST", "t", "streams", params("dynamic_partition", "true"))
                        .json()
                        .get("session_name")
                        .asText();
        List<Object[]> one = List.<Object[]>of(new Object[] {1L, "x"});
        assertThat(
                        flush(
                                        f,
                                        dynamic,
                                        "1",
                                        one,
                                        "partition",
                                        "pt=b",
                                        "dynamic_partition",
                                        "true")
                                .error())
                .isNull();
        ServiceException full =
                flush(f, dynamic, "1", one, "partition", "pt=c", "dynamic_partition", "true").err();
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.code()).isEqualTo("SlotExceeded");
        assertThat(full.getMessage())
                .isEqualTo("Table p.t already streams into 2 partitions; the limit is 2");

        // pt=b is flushed again after 30 s, pt=a (held since its creation) is not: at 60 s only
        // pt=a's hold has lapsed
        f.clock.advance(Duration.ofSeconds(30));
        assertThat(
                        flush(
                                        f,
                                        dynamic,
                                        "1",
                                        one,
                                        "partition",
                                        "pt=b",
                                        "dynamic_partition",
                                        "true")
                                .error())
                .isNull();
        f.clock.advance(Duration.ofSeconds(30));
        TableIdentifier t = TableIdentifier.of("p", "t");
        assertThat(f.service.streamSlots(t)).isEqualTo(new StreamSlotStats(1, 1, 2, 1, 1));
        assertThat(
                        flush(
                                        f,
                                        dynamic,
                                        "1",
                                        one,
                                        "partition",
                                        "pt=c",
                                        "dynamic_partition",
                                        "true")
                                .error())
                .isNull();

        // session a is still valid, but its next flush must acquire pt=a again: the table is full
        ServiceException lapsed = flush(f, a, "1", one).err();
        assertThat(lapsed.code()).isEqualTo("SlotExceeded");
        f.clock.advance(Duration.ofSeconds(60));
        assertThat(f.service.streamSlots(t)).isEqualTo(new StreamSlotStats(0, 0, 2, 1, 2));
        assertThat(flush(f, a, "1", one).error()).isNull();
        assertThat(f.service.stats(t).streamSlotsInUse()).isEqualTo(1);
        assertThat(readable(f.catalog.table(t).snapshot(pt("pt=a"))))
                .containsExactly(List.of(1L, "x"));
    }

    private static byte[] upsertBody(List<Object[]> dataRows, byte[] ops) {
        List<Object[]> records = new ArrayList<>();
        for (int i = 0; i < dataRows.size(); i++) {
            Object[] d = dataRows.get(i);
            records.add(new Object[] {d[0], d[1], null, null, ops[i], null, List.of()});
        }
        return encode(Upserts.recordColumns(DELTA), Compression.DEFLATE, records);
    }

    private TunnelFixture.Outcome upsertFlush(TunnelFixture f, String id, byte[] body) {
        return f.call(
                "PUT",
                "t",
                "upserts",
                params("upsertid", id, "bucketid", "0", "slotid", "1", "record_count", "1"),
                Map.of("content-encoding", "deflate"),
                body);
    }

    @Test
    void upsertSessionLifecycle() {
        TunnelFixture f = new TunnelFixture();
        TableState t = f.deltaTable("t", DELTA, List.of("k"), 4);
        t.commit(
                Map.of(
                        PartitionSpec.empty(),
                        List.of(
                                new Object[] {1L, "one".getBytes()},
                                new Object[] {2L, "two".getBytes()})),
                false);
        JsonNode created = f.call("POST", "t", "upserts", params("slotnum", "3")).json();
        assertThat(created.fieldNames())
                .toIterable()
                .contains("id", "schema", "hash_key", "hasher", "slots", "status");
        assertThat(created.get("status").asText()).isEqualTo("normal");
        assertThat(created.get("hash_key").toString()).isEqualTo("[\"k\"]");
        assertThat(created.get("slots").toString())
                .isEqualTo(
                        "[{\"slot_id\":\"1\",\"buckets\":[0,3],\"worker_addr\":\"127.0.0.1:8080\"},"
                                + "{\"slot_id\":\"2\",\"buckets\":[1],\"worker_addr\":\"127.0.0.1:8080\"},"
                                + "{\"slot_id\":\"3\",\"buckets\":[2],\"worker_addr\":\"127.0.0.1:8080\"}]");
        String id = created.get("id").asText();

        TunnelFixture.Outcome flushed =
                upsertFlush(
                        f,
                        id,
                        upsertBody(
                                List.of(
                                        new Object[] {2L, "deleted-later"},
                                        new Object[] {3L, "three"},
                                        new Object[] {1L, null},
                                        new Object[] {2L, "x"}),
                                new byte[] {'U', 'U', 'D', 'D'}));
        assertThat(flushed.error()).isNull();
        assertThat(flushed.response().status()).isEqualTo(200);
        assertThat(readable(t.snapshot(PartitionSpec.empty())))
                .containsExactlyInAnyOrder(List.of(1L, "one"), List.of(2L, "two"));

        JsonNode committed = f.call("POST", "t", "upserts", params("upsertid", id)).json();
        assertThat(committed.get("status").asText()).isEqualTo("committed");
        assertThat(committed.has("hash_key")).isTrue();
        assertThat(readable(t.snapshot(PartitionSpec.empty())))
                .containsExactly(List.of(3L, "three"));
        assertThat(
                        f.call("POST", "t", "upserts", params("upsertid", id))
                                .json()
                                .get("status")
                                .asText())
                .isEqualTo("committed");
        ServiceException late =
                upsertFlush(
                                f,
                                id,
                                upsertBody(
                                        List.<Object[]>of(new Object[] {9L, "z"}),
                                        new byte[] {'U'}))
                        .err();
        assertThat(late.code()).isEqualTo("StatusConflict");

        JsonNode aborted =
                f.call(
                                "DELETE",
                                "t",
                                "upserts",
                                params(
                                        "upsertid",
                                        f.call("POST", "t", "upserts", params())
                                                .json()
                                                .get("id")
                                                .asText()))
                        .json();
        assertThat(aborted.get("status").asText()).isEqualTo("aborted");
        assertThat(aborted.has("slots")).isTrue();
    }

    @Test
    void upsertCommitsAreLimitedPerPartitionPerMinute() {
        TunnelFixture f = new TunnelFixture();
        TableState t = f.deltaTable("t", DELTA, List.of("k"), 1);
        String a = f.call("POST", "t", "upserts", params()).json().get("id").asText();
        String b = f.call("POST", "t", "upserts", params()).json().get("id").asText();
        upsertFlush(f, a, upsertBody(List.<Object[]>of(new Object[] {1L, "a"}), new byte[] {'U'}));
        upsertFlush(f, b, upsertBody(List.<Object[]>of(new Object[] {2L, "b"}), new byte[] {'U'}));
        f.call("POST", "t", "upserts", params("upsertid", a)).json();
        f.clock.advance(Duration.ofSeconds(59));
        ServiceException e = f.call("POST", "t", "upserts", params("upsertid", b)).err();
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.code()).isEqualTo("FlowExceeded");
        assertThat(e.getMessage()).isEqualTo("CommitUpsert QPS Quota exceeded");
        assertThat(e.headers()).containsEntry("Retry-After", "1");
        assertThat(t.snapshot(PartitionSpec.empty())).hasSize(1);
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(
                        f.call("POST", "t", "upserts", params("upsertid", b))
                                .json()
                                .get("status")
                                .asText())
                .isEqualTo("committed");
        assertThat(t.snapshot(PartitionSpec.empty())).hasSize(2);
        assertThat(f.service.stats(TableIdentifier.of("p", "t")).upsertCommits()).isEqualTo(2);
    }

    @Test
    void upsertsNeedADeltaTable() {
        TunnelFixture f = new TunnelFixture();
        f.plainTable("t", TableSchema.of(DELTA.columns()));
        ServiceException e = f.call("POST", "t", "upserts", params()).err();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage())
                .isEqualTo(
                        "Table p.t is not a transactional table with a primary key; upserts need"
                                + " one");
    }
}
