package io.github.mctunnel.emulator.clientflows;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.DownloadSession;
import io.github.mctunnel.client.session.RecordPack;
import io.github.mctunnel.client.session.StreamUploadSession;
import io.github.mctunnel.client.session.UpsertRecordLayout;
import io.github.mctunnel.client.session.UpsertSession;
import io.github.mctunnel.emulator.TunnelEmulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.github.mctunnel.emulator.clientflows.ClientFlowsFixture.comparable;
import static io.github.mctunnel.emulator.clientflows.ClientFlowsFixture.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stream uploads and upsert sessions of our client against the emulator. */
class StreamAndUpsertClientFlowsITCase {

    private static final int MAX_FIELD = 8 * 1024 * 1024;

    private TunnelEmulator emulator;
    private TunnelClient client;

    @BeforeEach
    void start() throws Exception {
        emulator = ClientFlowsFixture.startEmulator();
        client = ClientFlowsFixture.client(emulator);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        emulator.close();
    }

    private List<List<Object>> rows(TableIdentifier table, PartitionSpec partition)
            throws Exception {
        DownloadSession download = client.createDownloadSession(table, partition);
        return comparable(
                readAll(
                        download.openReader(
                                0, download.recordCount(), null, Compression.RAW, false, 100)));
    }

    @Test
    void streamPacksToAStaticPartitionCreatedByTheSessionAreVisibleAfterEachFlush()
            throws Exception {
        emulator.executeSql(
                "CREATE TABLE stream_all ("
                        + AllTypesRows.COLUMNS
                        + ") PARTITIONED BY (ds STRING)");
        TableIdentifier table = client.table("stream_all");
        PartitionSpec ds = PartitionSpec.parse("ds=20240301");

        StreamUploadSession session = client.createStreamUploadSession(table, ds, true, false, 2);
        assertThat(client.meta().listPartitions(table)).containsExactly(ds);
        assertThat(session.slots()).hasSize(2);

        List<Object[]> expected = new ArrayList<>();
        Compression[] compressions = Compression.values();
        for (int pack = 0; pack < compressions.length; pack++) {
            RecordPack records =
                    new RecordPack(session.schema().columns(), compressions[pack], MAX_FIELD);
            List<Object[]> batch = new AllTypesRows(500 + pack).rows(40);
            for (Object[] row : batch) {
                records.append(row);
            }
            session.flush(null, records);
            assertThat(records.recordCount()).isZero();
            expected.addAll(batch);
            assertThat(rows(table, ds)).isEqualTo(comparable(expected));
        }
    }

    @Test
    void dynamicPartitionPacksLandInTheirPartitions() throws Exception {
        emulator.executeSql(
                "CREATE TABLE stream_dyn (id BIGINT, name STRING) PARTITIONED BY (ds STRING, hh"
                        + " STRING)");
        TableIdentifier table = client.table("stream_dyn");
        StreamUploadSession session =
                client.createStreamUploadSession(table, PartitionSpec.empty(), true, true, 1);
        RecordPack pack = new RecordPack(session.schema().columns(), Compression.LZ4, MAX_FIELD);

        PartitionSpec a = PartitionSpec.parse("ds=20240301,hh=00");
        PartitionSpec b = PartitionSpec.parse("ds=20240301,hh=01");
        pack.append(new Object[] {1L, "one"});
        pack.append(new Object[] {2L, "两"});
        session.flush(a, pack);
        pack.append(new Object[] {3L, "three"});
        session.flush(b, pack);
        pack.append(new Object[] {4L, null});
        session.flush(a, pack);

        assertThat(client.meta().listPartitions(table)).containsExactlyInAnyOrder(a, b);
        assertThat(rows(table, a))
                .containsExactly(
                        List.of(1L, "one"), List.of(2L, "两"), Arrays.asList(4L, (Object) null));
        assertThat(rows(table, b)).containsExactly(List.of(3L, "three"));
    }

    @Test
    void upsertsAndDeletesCommitToTheChangelogAppliedOnceAndAbortDiscards() throws Exception {
        emulator.executeSql(
                "CREATE TABLE delta (k BIGINT NOT NULL, tag STRING NOT NULL, v DOUBLE, note"
                        + " STRING, PRIMARY KEY (k, tag)) TBLPROPERTIES"
                        + " (\"transactional\"=\"true\", \"write.bucket.num\"=\"4\")");
        TableIdentifier table = client.table("delta");

        UpsertSession session = client.createUpsertSession(table, PartitionSpec.empty(), 2);
        assertThat(session.bucketCount()).isEqualTo(4);
        assertThat(session.hashKeys()).containsExactly("k", "tag");

        Map<String, List<Object>> expected = new TreeMap<>();
        Random random = new Random(42);
        UpsertRecordLayout layout = session.recordLayout();
        RecordPack[] packs = new RecordPack[session.bucketCount()];
        for (int i = 0; i < packs.length; i++) {
            packs[i] = session.newPack(Compression.ZSTD, MAX_FIELD);
        }
        Object[] row = layout.newRow();
        Object[] key = new Object[2];
        for (int i = 0; i < 600; i++) {
            long k = random.nextInt(40);
            String tag = random.nextBoolean() ? "é" : "t";
            Object[] data = {k, tag, random.nextDouble(), "n" + i};
            boolean delete = random.nextInt(4) == 0;
            layout.fill(
                    row,
                    data,
                    delete
                            ? UpsertRecordLayout.OPERATION_DELETE
                            : UpsertRecordLayout.OPERATION_UPSERT);
            key[0] = k;
            key[1] = tag;
            int bucket = session.bucketHasher().bucket(key);
            packs[bucket].append(row);
            if (packs[bucket].recordCount() == 50) {
                session.flush(bucket, packs[bucket]);
            }
            String id = k + "/" + tag;
            if (delete) {
                expected.remove(id);
            } else {
                expected.put(id, Arrays.asList(data));
            }
        }
        for (int b = 0; b < packs.length; b++) {
            if (packs[b].recordCount() > 0) {
                session.flush(b, packs[b]);
            }
        }
        // Nothing is visible before the commit.
        assertThat(rows(table, PartitionSpec.empty())).isEmpty();
        session.commit();
        assertThat(session.status()).isEqualTo("committed");

        List<List<Object>> committed = rows(table, PartitionSpec.empty());
        assertThat(committed).containsExactlyInAnyOrderElementsOf(expected.values());
        assertThat(expected).hasSizeGreaterThan(20);

        UpsertSession aborted = client.createUpsertSession(table, PartitionSpec.empty(), 1);
        RecordPack pack = aborted.newPack(Compression.RAW, MAX_FIELD);
        Object[] extra = {999L, "t", 1.0, "never"};
        layout.fill(row, extra, UpsertRecordLayout.OPERATION_UPSERT);
        pack.append(row);
        aborted.flush(aborted.bucketHasher().bucket(new Object[] {999L, "t"}), pack);
        aborted.abort();
        assertThat(rows(table, PartitionSpec.empty()))
                .containsExactlyInAnyOrderElementsOf(expected.values());
    }

    @Test
    void partialUpdatesKeepTheOtherColumnsOnlyWhereTheTableEnablesThem() throws Exception {
        emulator.close();
        emulator =
                ClientFlowsFixture.startEmulator(
                        b ->
                                b.limits(
                                        io.github.mctunnel.emulator.limits.EmulatorLimits.builder()
                                                .upsertCommitInterval(java.time.Duration.ZERO)
                                                .build()));
        client.close();
        client = ClientFlowsFixture.client(emulator);
        emulator.executeSql(
                "CREATE TABLE wide (k BIGINT NOT NULL, a STRING, b BIGINT, c STRING, PRIMARY KEY"
                        + " (k)) TBLPROPERTIES (\"transactional\"=\"true\","
                        + " \"write.bucket.num\"=\"1\","
                        + " \"acid.partial.fields.update.enable\"=\"true\")");
        TableIdentifier table = client.table("wide");
        upsert(table, null, new Object[] {1L, "a1", 10L, "c1"}, new Object[] {2L, "a2", 20L, "c2"});

        UpsertSession session = client.createUpsertSession(table, PartitionSpec.empty(), 1);
        assertThat(session.partialUpdateEnabled()).isTrue();
        // the key is implied: only the updated non-key columns are listed
        List<Long> ids = session.partialUpdateColumnIds(List.of("k", "b"));
        assertThat(ids).containsExactly(3L);
        RecordPack pack = session.newPack(Compression.RAW, MAX_FIELD);
        UpsertRecordLayout layout = session.recordLayout();
        Object[] row = layout.newRow();
        // an existing row keeps a and c; a new key gets NULLs; two updates of a key merge
        layout.fill(
                row,
                new Object[] {1L, "ignored", 11L, null},
                UpsertRecordLayout.OPERATION_UPSERT,
                ids);
        pack.append(row);
        layout.fill(
                row,
                new Object[] {3L, "ignored", 30L, "ignored"},
                UpsertRecordLayout.OPERATION_UPSERT,
                ids);
        pack.append(row);
        layout.fill(
                row,
                new Object[] {2L, "a2x", 0L, null},
                UpsertRecordLayout.OPERATION_UPSERT,
                session.partialUpdateColumnIds(List.of("a")));
        pack.append(row);
        layout.fill(
                row, new Object[] {2L, null, 22L, null}, UpsertRecordLayout.OPERATION_UPSERT, ids);
        pack.append(row);
        session.flush(0, pack);
        session.commit();
        assertThat(rows(table, PartitionSpec.empty()))
                .containsExactlyInAnyOrder(
                        List.of(1L, "a1", 11L, "c1"),
                        List.of(2L, "a2x", 22L, "c2"),
                        Arrays.asList(3L, null, 30L, null));

        emulator.executeSql(
                "CREATE TABLE narrow (k BIGINT NOT NULL, a STRING, b BIGINT, PRIMARY KEY (k))"
                        + " TBLPROPERTIES (\"transactional\"=\"true\","
                        + " \"write.bucket.num\"=\"1\")");
        TableIdentifier plain = client.table("narrow");
        UpsertSession refused = client.createUpsertSession(plain, PartitionSpec.empty(), 1);
        assertThat(refused.partialUpdateEnabled()).isFalse();
        assertThatThrownBy(() -> refused.partialUpdateColumnIds(List.of("b")))
                .isInstanceOf(io.github.mctunnel.client.error.TunnelException.class)
                .hasMessageContaining(
                        "does not take partial-column updates; set its table property"
                                + " 'acid.partial.fields.update.enable'='true'");
        // the service refuses what the client would not send
        UpsertRecordLayout plainLayout = refused.recordLayout();
        Object[] plainRow = plainLayout.newRow();
        plainLayout.fill(
                plainRow,
                new Object[] {1L, "x", 1L},
                UpsertRecordLayout.OPERATION_UPSERT,
                plainLayout.valueColumnIds(List.of("b")));
        RecordPack plainPack = refused.newPack(Compression.RAW, MAX_FIELD);
        plainPack.append(plainRow);
        assertThatThrownBy(() -> refused.flush(0, plainPack))
                .isInstanceOf(io.github.mctunnel.client.error.TunnelException.class)
                .hasMessageContaining("InvalidArgument")
                .hasMessageContaining(
                        "do not support partial update, consider set table properties"
                                + " 'acid.partial.fields.update.enable=true'");
    }

    private void upsert(TableIdentifier table, List<Long> ids, Object[]... rows) throws Exception {
        UpsertSession session = client.createUpsertSession(table, PartitionSpec.empty(), 1);
        UpsertRecordLayout layout = session.recordLayout();
        RecordPack pack = session.newPack(Compression.RAW, MAX_FIELD);
        Object[] row = layout.newRow();
        for (Object[] data : rows) {
            layout.fill(
                    row, data, UpsertRecordLayout.OPERATION_UPSERT, ids == null ? List.of() : ids);
            pack.append(row);
        }
        session.flush(0, pack);
        session.commit();
    }
}
