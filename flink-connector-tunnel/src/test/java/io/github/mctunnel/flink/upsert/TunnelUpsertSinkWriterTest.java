package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.upsert.BucketHasher;
import io.github.mctunnel.flink.sink.BadRecordPolicy;
import io.github.mctunnel.flink.sink.writer.BadRecords;
import io.github.mctunnel.flink.upsert.FakeUpsertTable.FakeSession;

import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.types.RowKind;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The upsert writer alone, against a hand-written table double. */
class TunnelUpsertSinkWriterTest {

    private static final int BUCKETS = 4;
    private static final List<Column> COLUMNS =
            List.of(Column.of("id", "bigint"), Column.of("name", "string"));
    private static final UpsertKeyDeclaration KEY =
            new UpsertKeyDeclaration(List.of(Column.of("id", "bigint")), BUCKETS);
    private static final BucketHasher HASHER = KEY.newHasher();

    private static FakeUpsertTable table() {
        return new FakeUpsertTable(TableSchema.of(COLUMNS), List.of("id"), BUCKETS);
    }

    private static FakeUpsertTable partitionedTable() {
        return new FakeUpsertTable(
                new TableSchema(COLUMNS, List.of(Column.of("ds", "string"))),
                List.of("id"),
                BUCKETS);
    }

    private static TunnelUpsertSinkWriter<Change> writer(
            FakeUpsertTable table,
            PartitionSpec partition,
            int subtask,
            int parallelism,
            Collection<UpsertSessionRef> restored)
            throws Exception {
        return new TunnelUpsertSinkWriter<>(
                table,
                partition,
                new Change.Serializer(),
                KEY,
                Compression.RAW,
                TunnelUpsertSinkWriter.BUCKET_FLUSH_BYTES,
                null,
                subtask,
                parallelism,
                restored,
                restored.isEmpty() ? -1 : 41,
                table.sharedSessions(),
                null,
                null,
                false,
                null);
    }

    private static int bucket(long id) {
        return HASHER.bucket(new Object[] {id});
    }

    /** Ids owned by {@code subtask} of {@code parallelism}. */
    private static List<Long> ownedIds(int subtask, int parallelism, int count) {
        List<Long> ids = new ArrayList<>();
        for (long id = 0; ids.size() < count; id++) {
            if (bucket(id) % parallelism == subtask) {
                ids.add(id);
            }
        }
        return ids;
    }

    @Test
    void flushesEachChangeToItsBucketAndDropsUpdateBefore() throws Exception {
        FakeUpsertTable table = table();
        TunnelUpsertSinkWriter<Change> writer =
                writer(table, PartitionSpec.empty(), 0, 1, List.of());
        Map<Integer, Integer> expected = new HashMap<>();
        RowKind[] kinds = {
            RowKind.INSERT, RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER, RowKind.DELETE
        };
        for (long id = 0; id < 40; id++) {
            RowKind kind = kinds[(int) (id % 4)];
            writer.write(new Change(kind, id, "n" + id, null), null);
            if (kind != RowKind.UPDATE_BEFORE) {
                expected.merge(bucket(id), 1, Integer::sum);
            }
        }
        writer.flush(false);

        FakeSession session = table.sessions.values().iterator().next();
        Map<Integer, Integer> flushed = new HashMap<>();
        session.flushes.forEach(f -> flushed.merge(f[0], f[1], Integer::sum));
        assertThat(flushed).isEqualTo(expected);
        assertThat(writer.prepareCommit())
                .containsExactly(new UpsertSessionRef("", session.id, 0, 1, false, false, 30));
        assertThat(writer.snapshotState(1))
                .containsExactly(new UpsertSessionRef("", session.id, 0, 1, false, false, 30));
    }

    @Test
    void aRecordOfAnotherWritersBucketFailsNamingTheRouting() throws Exception {
        TunnelUpsertSinkWriter<Change> writer =
                writer(table(), PartitionSpec.empty(), 1, 2, List.of());
        long foreign = ownedIds(0, 2, 1).get(0);
        assertThatThrownBy(() -> writer.write(Change.upsert(foreign, "x", null), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "A record of bucket "
                                + bucket(foreign)
                                + " reached upsert writer subtask 1 of 2, which owns only the"
                                + " buckets b with b % 2 == 1; the stream must reach"
                                + " TunnelUpsertSink through its bucket routing");
    }

    @Test
    void aFlushRefusedBecauseTheCommitterCommittedGoesOnInANewSession() throws Exception {
        FakeUpsertTable table = table();
        TunnelUpsertSinkWriter<Change> writer =
                writer(table, PartitionSpec.empty(), 0, 1, List.of());
        writer.write(Change.upsert(1, "a", null), null);
        writer.flush(false);
        FakeSession first = table.sessions.get("s1");
        assertThat(writer.prepareCommit())
                .extracting(UpsertSessionRef::sessionId)
                .containsExactly("s1");
        first.commit(); // the committer, meanwhile

        writer.write(Change.upsert(2, "b", null), null);
        writer.flush(false);

        FakeSession second = table.sessions.get("s2");
        assertThat(first.recordCount()).isEqualTo(1);
        assertThat(second.recordCount()).isEqualTo(1);
        assertThat(writer.prepareCommit())
                .extracting(UpsertSessionRef::sessionId)
                .containsExactly("s2");
    }

    @Test
    void anIdleCommittedSessionIsNoLongerOffered() throws Exception {
        FakeUpsertTable table = table();
        TunnelUpsertSinkWriter<Change> writer =
                writer(table, PartitionSpec.empty(), 0, 1, List.of());
        writer.write(Change.upsert(1, "a", null), null);
        writer.flush(false);
        assertThat(writer.prepareCommit()).hasSize(1);
        // not committed yet and nothing new: offered again
        writer.flush(false);
        assertThat(writer.prepareCommit())
                .extracting(UpsertSessionRef::sessionId)
                .containsExactly("s1");
        table.sessions.get("s1").commit();
        writer.flush(false);
        assertThat(writer.prepareCommit()).isEmpty();
        assertThat(writer.snapshotState(3)).isEmpty();
    }

    @Test
    void endOfInputOffersTheSessionsAsLastAndCommitsNothingItself() throws Exception {
        FakeUpsertTable table = table();
        TunnelUpsertSinkWriter<Change> writer =
                writer(table, PartitionSpec.empty(), 0, 1, List.of());
        writer.write(Change.upsert(1, "a", null), null);
        writer.flush(true);
        assertThat(writer.prepareCommit())
                .containsExactly(new UpsertSessionRef("", "s1", 0, 1, true, false, 1));
        assertThat(table.commitOrder).isEmpty();
        writer.close();
        assertThat(table.sessions.get("s1").status).isEqualTo("normal");
        assertThat(table.closed).isTrue();
    }

    @Test
    void dynamicPartitionsGetOneSessionEach() throws Exception {
        FakeUpsertTable table = partitionedTable();
        TunnelUpsertSinkWriter<Change> writer = writer(table, null, 0, 1, List.of());
        writer.write(Change.upsert(1, "a", "20240101"), null);
        writer.write(Change.upsert(2, "b", "20240101"), null);
        writer.write(Change.upsert(3, "c", "20240102"), null);
        writer.write(Change.upsert(4, "d", "20240101"), null);
        writer.flush(false);

        assertThat(table.createdSessionsPartitions).containsExactly("ds=20240101", "ds=20240102");
        Collection<UpsertSessionRef> refs = writer.prepareCommit();
        assertThat(refs)
                .containsExactly(
                        new UpsertSessionRef("ds=20240101", "s1", 0, 1, false, false, 3),
                        new UpsertSessionRef("ds=20240102", "s2", 0, 1, false, false, 1));
        assertThat(table.sessions.get("s1").recordCount()).isEqualTo(3);
        assertThat(table.sessions.get("s2").recordCount()).isEqualTo(1);

        assertThatThrownBy(() -> writer.write(Change.upsert(5, "e", null), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Partition column 'ds' is NULL; every change needs a value for it");
    }

    @Test
    void withADefaultPartitionUnusablePartitionValuesGoThere() throws Exception {
        FakeUpsertTable table = partitionedTable();
        TunnelUpsertSinkWriter<Change> writer = writer(table, null, 0, 1, List.of());
        writer.useDefaultPartition(PartitionSpec.parse("ds=unknown"));
        writer.write(Change.upsert(1, "a", "20240101"), null);
        writer.write(Change.upsert(2, "b", null), null);
        writer.write(Change.upsert(3, "c", " padded"), null);
        writer.write(Change.upsert(4, "d", "a/b"), null);
        writer.flush(false);

        assertThat(table.createdSessionsPartitions).containsExactly("ds=20240101", "ds=unknown");
        assertThat(writer.prepareCommit())
                .containsExactly(
                        new UpsertSessionRef("ds=20240101", "s1", 0, 1, false, false, 1),
                        new UpsertSessionRef("ds=unknown", "s2", 0, 1, false, false, 3));
    }

    @Test
    void aDefaultPartitionNotOfTheTablesKeysFailsAtStart() throws Exception {
        TunnelUpsertSinkWriter<Change> writer = writer(partitionedTable(), null, 0, 1, List.of());
        assertThatThrownBy(() -> writer.useDefaultPartition(PartitionSpec.parse("region=x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region");
    }

    @Test
    void dynamicPartitionsNeedAPartitionedTable() {
        assertThatThrownBy(() -> writer(table(), null, 0, 1, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Table p.users is not partitioned; TunnelUpsertSink takes partition values"
                                + " from the records only for a partitioned table (setPartition or"
                                + " no partition for this one)");
    }

    /**
     * Sessions are shared: a restored writer hands every restored session (once, even when every
     * writer's state lists it) to the committer, flagged to go first, and writes new changes into
     * the partition's next shared session.
     */
    @Test
    void restoredSessionsAreHandedToTheCommitterOnceAndNewChangesGoToANewSharedSession()
            throws Exception {
        FakeUpsertTable table = table();
        FakeSession shared = table.createSession(PartitionSpec.empty(), 1);
        TunnelUpsertSinkWriter<Change> writer =
                writer(
                        table,
                        PartitionSpec.empty(),
                        0,
                        2,
                        List.of(
                                new UpsertSessionRef("", shared.id, 0, 2),
                                new UpsertSessionRef("", shared.id, 1, 2)));
        writer.write(Change.upsert(ownedIds(0, 2, 1).get(0), "a", null), null);
        writer.flush(false);
        assertThat(table.commitOrder).isEmpty();
        assertThat(writer.prepareCommit())
                .extracting(UpsertSessionRef::sessionId, UpsertSessionRef::restored)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(shared.id, true),
                        org.assertj.core.groups.Tuple.tuple("s2", false));
        assertThat(shared.flushes).isEmpty();

        // the parallelism changed: the writer commits nothing itself (the committer paces all
        // commits); it hands the restored sessions over once, flagged to go first
        FakeSession a = table.createSession(PartitionSpec.empty(), 1);
        FakeSession b = table.createSession(PartitionSpec.empty(), 1);
        FakeSession done = table.createSession(PartitionSpec.empty(), 1);
        done.status = "committed";
        TunnelUpsertSinkWriter<Change> rescaled =
                writer(
                        table,
                        PartitionSpec.empty(),
                        0,
                        3,
                        List.of(
                                new UpsertSessionRef("", a.id, 0, 2),
                                new UpsertSessionRef("", b.id, 1, 2),
                                new UpsertSessionRef("", done.id, 1, 2)));
        assertThat(table.commitOrder).isEmpty();
        assertThat(rescaled.snapshotState(1))
                .containsExactly(
                        new UpsertSessionRef("", a.id, 0, 2).handedOverFrom(41),
                        new UpsertSessionRef("", b.id, 1, 2).handedOverFrom(41));
        assertThat(rescaled.prepareCommit())
                .containsExactly(
                        new UpsertSessionRef("", a.id, 0, 2).handedOverFrom(41),
                        new UpsertSessionRef("", b.id, 1, 2).handedOverFrom(41));
        assertThat(rescaled.prepareCommit()).isEmpty();
        assertThat(rescaled.snapshotState(2)).isEmpty();
    }

    /**
     * A savepoint restored after the upsert session lifetime: the service no longer knows the
     * restored session; the writer starts, hands it to the committer (which reports it once for all
     * writers) and writes into a new session.
     */
    @Test
    void aRestoredSessionTheServiceNoLongerKnowsDoesNotStopTheWriter() throws Exception {
        FakeUpsertTable table = table();
        TunnelUpsertSinkWriter<Change> w =
                writer(
                        table,
                        PartitionSpec.empty(),
                        0,
                        1,
                        List.of(new UpsertSessionRef("", "expired-session", 0, 1)));
        w.write(Change.upsert(1, "a", null), null);
        w.flush(false);

        FakeSession session = table.sessions.values().iterator().next();
        assertThat(table.sessions).hasSize(1);
        assertThat(session.flushes).hasSize(1);
        UpsertSessionRef handedOver =
                new UpsertSessionRef("", "expired-session", 0, 1).handedOverFrom(41);
        UpsertSessionRef written = new UpsertSessionRef("", session.id, 0, 1, false, false, 1);
        assertThat(w.snapshotState(1)).containsExactly(handedOver, written);
        assertThat(w.prepareCommit()).containsExactly(handedOver, written);
        assertThat(w.snapshotState(2)).containsExactly(written);
    }

    @Test
    void anAbortedRestoredSessionFailsNamingIt() {
        FakeUpsertTable table = table();
        FakeSession s = table.createSession(PartitionSpec.empty(), 1);
        s.status = "aborted";
        assertThatThrownBy(
                        () ->
                                writer(
                                        table,
                                        PartitionSpec.empty(),
                                        0,
                                        1,
                                        List.of(new UpsertSessionRef("", s.id, 0, 1))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "The restored upsert session s1 of p.users is 'aborted'; the changes"
                                + " written to it before the checkpoint are lost");
    }

    @Test
    void aTableNotMatchingTheDeclarationFailsNamingBothKeysAndBucketCounts() {
        FakeUpsertTable table =
                new FakeUpsertTable(
                        TableSchema.of(
                                List.of(Column.of("id", "bigint"), Column.of("name", "string"))),
                        List.of("name"),
                        8);
        // checked against the first session the writer gets (at its first flush: the gateway to
        // the coordinator opens after the writer)
        assertThatThrownBy(
                        () -> {
                            TunnelUpsertSinkWriter<Change> w =
                                    writer(table, PartitionSpec.empty(), 0, 1, List.of());
                            w.write(Change.upsert(1, "a", null), null);
                            w.flush(false);
                        })
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "Table p.users does not match the TunnelUpsertSink declaration: the table"
                                + " has primary key [name string], 8 buckets and the 'default'"
                                + " hasher; the sink declares primary key [id bigint], 4 buckets"
                                + " and the 'default' hasher");
    }

    @Test
    void partialUpdatesOfATableThatDoesNotEnableThemFailAtStartNamingTheProperty() {
        FakeUpsertTable table = table();
        table.partialUpdate = false;
        assertThatThrownBy(
                        () ->
                                new TunnelUpsertSinkWriter<>(
                                                table,
                                                PartitionSpec.empty(),
                                                new Change.Serializer(),
                                                KEY,
                                                Compression.RAW,
                                                TunnelUpsertSinkWriter.BUCKET_FLUSH_BYTES,
                                                List.of("name"),
                                                0,
                                                1,
                                                List.of(),
                                                -1,
                                                table.sharedSessions(),
                                                null,
                                                null,
                                                false,
                                                null)
                                        .write(Change.upsert(1, "a", null), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "Table p.users does not take partial-column updates, but"
                                + " TunnelUpsertSink updates only columns [name]; set the table"
                                + " property 'acid.partial.fields.update.enable'='true' or write"
                                + " whole rows");
    }

    private static FakeUpsertTable tableWithNotNullName() {
        return new FakeUpsertTable(
                TableSchema.of(
                        List.of(
                                Column.of("id", "bigint"),
                                new Column(
                                        "name",
                                        io.github.mctunnel.client.schema.TypeInfo.parse("string"),
                                        false,
                                        null,
                                        null))),
                List.of("id"),
                BUCKETS);
    }

    private static TunnelUpsertSinkWriter<Change> writer(
            FakeUpsertTable table, BadRecordPolicy policy, SimpleCounter skipped) throws Exception {
        return writer(table, policy, skipped, false);
    }

    private static TunnelUpsertSinkWriter<Change> writer(
            FakeUpsertTable table, BadRecordPolicy policy, SimpleCounter skipped, boolean compact)
            throws Exception {
        return new TunnelUpsertSinkWriter<>(
                table,
                PartitionSpec.empty(),
                new Change.Serializer(),
                KEY,
                Compression.RAW,
                TunnelUpsertSinkWriter.BUCKET_FLUSH_BYTES,
                null,
                0,
                1,
                List.of(),
                -1,
                table.sharedSessions(),
                null,
                new BadRecords("p.users", table.schema(), policy, skipped),
                compact,
                null);
    }

    /** The same checks and messages as the other writers: NOT NULL and the 8 MiB field limit. */
    @Test
    void aNullInANotNullColumnOrAnOversizedValueFailsNamingTheColumn() throws Exception {
        TunnelUpsertSinkWriter<Change> w =
                writer(tableWithNotNullName(), BadRecordPolicy.FAIL, new SimpleCounter());
        assertThatThrownBy(() -> w.write(Change.upsert(1, null, null), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Column 'name' is NOT NULL, but the value is NULL");
        String huge = "x".repeat(TunnelUpsertSinkWriter.MAX_FIELD_SIZE + 1);
        assertThatThrownBy(() -> w.write(Change.upsert(2, huge, null), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'name' (string): the value is 8388609 bytes, more than the field"
                                + " size limit of 8388608 bytes (the project setting"
                                + " odps.sql.cfile2.field.maxsize)");
        // a delete needs only its key
        w.write(new Change(RowKind.DELETE, 3, null, null), null);
        w.flush(false);
    }

    @Test
    void skippedBadChangesAreCountedAndTheOthersWritten() throws Exception {
        FakeUpsertTable table = tableWithNotNullName();
        SimpleCounter skipped = new SimpleCounter();
        TunnelUpsertSinkWriter<Change> w = writer(table, BadRecordPolicy.SKIP, skipped);
        w.write(Change.upsert(1, "a", null), null);
        w.write(Change.upsert(2, null, null), null);
        w.write(
                Change.upsert(3, "x".repeat(TunnelUpsertSinkWriter.MAX_FIELD_SIZE + 1), null),
                null);
        w.write(Change.upsert(4, "d", null), null);
        w.flush(false);

        assertThat(skipped.getCount()).isEqualTo(2);
        assertThat(table.sessions.values().iterator().next().recordCount()).isEqualTo(2);
    }

    /**
     * A changelog of 1,000 keys with 100 changes per key within one flush window: one record per
     * key is sent (1/100 of the changes received), the last change of each.
     */
    @Test
    void compactionSendsOneRecordPerKeyPerFlushWindow() throws Exception {
        FakeUpsertTable table = table();
        SimpleCounter sent = new SimpleCounter();
        SimpleCounter compacted = new SimpleCounter();
        TunnelUpsertSinkWriter<Change> w =
                new TunnelUpsertSinkWriter<>(
                        table,
                        PartitionSpec.empty(),
                        new Change.Serializer(),
                        KEY,
                        Compression.RAW,
                        32L << 20,
                        null,
                        0,
                        1,
                        List.of(),
                        -1,
                        table.sharedSessions(),
                        sent,
                        null,
                        true,
                        compacted);
        long received = 0;
        for (int change = 0; change < 100; change++) {
            for (long id = 0; id < 1000; id++) {
                w.write(Change.upsert(id, "v" + change, null), null);
                received++;
            }
        }
        w.flush(false);

        FakeSession session = table.sessions.values().iterator().next();
        assertThat(session.recordCount()).isEqualTo(1000);
        assertThat(sent.getCount()).isEqualTo(1000);
        assertThat(compacted.getCount()).isEqualTo(received - 1000);
        System.out.printf(
                "upsert compaction: %d changes received, %d records sent (1/%d)%n",
                received, sent.getCount(), received / sent.getCount());
    }

    /**
     * With compaction a skipped bad change must not take the place of the key's earlier good one:
     * the delete before an oversized upsert is still sent.
     */
    @Test
    void aSkippedBadChangeDoesNotReplaceTheKeysPendingChange() throws Exception {
        FakeUpsertTable table = table();
        SimpleCounter skipped = new SimpleCounter();
        TunnelUpsertSinkWriter<Change> w = writer(table, BadRecordPolicy.SKIP, skipped, true);
        w.write(new Change(RowKind.DELETE, 1, null, null), null);
        w.write(
                Change.upsert(1, "x".repeat(TunnelUpsertSinkWriter.MAX_FIELD_SIZE + 1), null),
                null);
        w.flush(false);

        assertThat(skipped.getCount()).isEqualTo(1);
        assertThat(table.sessions.values().iterator().next().recordCount()).isEqualTo(1);
    }

    /**
     * The service loses the partition's current session (an emulator restart; an expiry during a
     * regional failover): a writer with nothing new stops offering it, and a writer asking for the
     * partition's session gets a new one instead of the lost one, so the job does not loop.
     */
    @Test
    void aSessionTheServiceLostIsReplacedNotRetriedForever() throws Exception {
        FakeUpsertTable table = table();
        TunnelUpsertSinkWriter<Change> w = writer(table, PartitionSpec.empty(), 0, 1, List.of());
        w.write(Change.upsert(1, "a", null), null);
        w.flush(false);
        assertThat(w.prepareCommit()).hasSize(1);
        table.sessions.remove("s1");

        // nothing written since: the lost session is no longer offered
        assertThat(w.prepareCommit()).isEmpty();

        // a restarted writer gets the coordinator's current session, which the service lost
        TunnelUpsertSinkWriter<Change> restarted =
                writer(table, PartitionSpec.empty(), 0, 1, List.of());
        restarted.write(Change.upsert(2, "b", null), null);
        restarted.flush(false);
        assertThat(restarted.currentSessionIds()).containsEntry("", "s2");
        assertThat(table.sessions.get("s2").recordCount()).isEqualTo(1);
    }
}
