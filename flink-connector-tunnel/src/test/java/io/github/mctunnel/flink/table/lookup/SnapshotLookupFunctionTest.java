package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.flink.source.RowDataTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.table.SessionInvalidatedException;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.binary.BinaryStringData;
import org.apache.flink.table.types.logical.RowType;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotLookupFunctionTest {

    private static final RowType ROW =
            (RowType)
                    DataTypes.ROW(
                                    DataTypes.FIELD("id", DataTypes.BIGINT()),
                                    DataTypes.FIELD("name", DataTypes.STRING()),
                                    DataTypes.FIELD("ds", DataTypes.STRING()))
                            .getLogicalType();

    private final InMemoryTable table = new InMemoryTable();
    private final MutableClock clock = new MutableClock();

    /** The back-off waits of loads, recorded instead of slept. */
    private final List<Long> waits = new CopyOnWriteArrayList<>();

    private final LoadRetryWait recordWait = waits::add;

    private static LookupSettings settings(String... keyValues) {
        Configuration c = new Configuration();
        for (int i = 0; i < keyValues.length; i += 2) {
            c.setString(keyValues[i], keyValues[i + 1]);
        }
        return LookupSettings.from(c);
    }

    private SnapshotLookupFunction function(LookupSettings settings, int... keys) {
        return new SnapshotLookupFunction(
                table,
                "p.dim",
                new RowDataTunnelRecordDeserializer(ROW),
                settings,
                ROW,
                keys,
                clock,
                recordWait);
    }

    private static List<String> names(Collection<RowData> rows) {
        List<String> out = new ArrayList<>();
        for (RowData r : rows) {
            out.add(r.getLong(0) + ":" + r.getString(1) + "@" + r.getString(2));
        }
        return out;
    }

    @Test
    void latestPartitionIsIndexedAndReloadedAfterTheIntervalOffTheTaskThread() throws Exception {
        table.put("ds=20261121", new Object[] {1L, "old"});
        table.put("ds=20261122", new Object[] {1L, "a"}, new Object[] {1L, "a2"});
        SnapshotLookupFunction f =
                function(
                        settings("lookup.partition", "max_pt", "lookup.reload-interval", "10 min"),
                        0);
        f.open(null);
        assertThat(table.sessions).containsExactly("ds=20261122");
        assertThat(names(f.lookup(GenericRowData.of(1L))))
                .containsExactly("1:a@20261122", "1:a2@20261122");
        assertThat(f.lookup(GenericRowData.of(2L))).isEmpty();

        table.put("ds=20261123", new Object[] {2L, "b"});
        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        assertThat(f.lookup(GenericRowData.of(2L))).isEmpty();
        assertThat(f.reload()).isNull();

        clock.advance(Duration.ofMillis(1));
        // this lookup starts the reload and is answered from the current snapshot
        assertThat(f.lookup(GenericRowData.of(2L))).isEmpty();
        f.reload().get(30, TimeUnit.SECONDS);
        assertThat(names(f.lookup(GenericRowData.of(2L)))).containsExactly("2:b@20261123");
        assertThat(f.lookup(GenericRowData.of(1L))).isEmpty();
        assertThat(table.sessions).containsExactly("ds=20261122", "ds=20261123");
        assertThat(table.connectingThreads)
                .containsExactly(
                        Thread.currentThread().getName(), "maxcompute-lookup-reload p.dim");
        assertThat(table.openClients.get()).isZero();
        f.close();
    }

    @Test
    void lookupsAreAnsweredFromTheCurrentSnapshotWhileAReloadRuns() throws Exception {
        table.put("ds=1", new Object[] {1L, "a"});
        SnapshotLookupFunction f = function(settings("lookup.reload-interval", "1 min"), 0);
        f.open(null);
        table.put("ds=1", new Object[] {1L, "new"});
        table.gate = new CountDownLatch(1);
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 5; i++) {
            assertThat(names(f.lookup(GenericRowData.of(1L)))).containsExactly("1:a@1");
        }
        CompletableFuture<Void> reload = f.reload();
        assertThat(reload).isNotDone();
        table.gate.countDown();
        reload.get(30, TimeUnit.SECONDS);
        assertThat(names(f.lookup(GenericRowData.of(1L)))).containsExactly("1:new@1");
        // one reload for the five stale lookups; the next is due a minute after it completed
        assertThat(table.connectingThreads).hasSize(2);
        assertThat(f.reload()).isSameAs(reload);
        f.close();
    }

    @Test
    void aFailedLoadIsTriedAgainAfterTheServicesBackOff() throws Exception {
        table.put("ds=1", new Object[] {1L, "a"});
        table.failListing(new IOException("boom 1"), new IOException("boom 2"));
        SnapshotLookupFunction f = function(settings(), 0);
        f.open(null);
        assertThat(names(f.lookup(GenericRowData.of(1L)))).containsExactly("1:a@1");
        // 1 s, then 2 s, each plus up to 10% jitter
        assertThat(waits).hasSize(2);
        assertThat(waits.get(0)).isBetween(1000L, 1100L);
        assertThat(waits.get(1)).isBetween(2000L, 2200L);
        assertThat(table.openClients.get()).isZero();
        f.close();
    }

    @Test
    void aLoadFailsOnceItsRetriesAreUsedUpNamingTheOption() {
        table.put("ds=1", new Object[] {1L, "a"});
        table.failListing(
                new IOException("boom 1"), new IOException("boom 2"), new IOException("boom 3"));
        SnapshotLookupFunction f = function(settings("lookup.max-retries", "2"), 0);
        assertThatThrownBy(() -> f.open(null))
                .isInstanceOf(LookupLoadException.class)
                .hasMessage(
                        "Loading lookup table p.dim failed after 3 attempts ('lookup.max-retries'"
                                + " = 2): boom 3")
                .satisfies(
                        e ->
                                assertThat(e.getSuppressed())
                                        .extracting(Throwable::getMessage)
                                        .containsExactly("boom 1", "boom 2"));
        assertThat(waits).hasSize(2);
        assertThat(table.openClients.get()).isZero();

        table.failListing(new IOException("boom 4"));
        SnapshotLookupFunction once = function(settings("lookup.max-retries", "0"), 0);
        assertThatThrownBy(() -> once.open(null))
                .hasMessage(
                        "Loading lookup table p.dim failed after 1 attempt ('lookup.max-retries'"
                                + " = 0): boom 4");
        assertThat(waits).hasSize(2);
    }

    @Test
    void aFailedDownloadIsResumedAtTheNextRowOfItsSession() throws Exception {
        table.put("ds=1", new Object[] {1L, "a"}, new Object[] {2L, "b"}, new Object[] {3L, "c"});
        table.failReadBefore("ds=1", 1, new IOException("connection reset"));
        SnapshotLookupFunction f = function(settings(), 0);
        f.open(null);
        assertThat(f.indexedKeys()).isEqualTo(3);
        for (long id = 1; id <= 3; id++) {
            assertThat(f.lookup(GenericRowData.of(id))).hasSize(1);
        }
        assertThat(table.sessions).containsExactly("ds=1");
        assertThat(table.ranges).containsExactly("ds=1[0,3)[id, name]", "ds=1[1,3)[id, name]");
        assertThat(waits).hasSize(1);
        f.close();
    }

    @Test
    void aTableModifiedWhileLoadedIsLoadedAgainWithNewSessions() throws Exception {
        table.put("ds=1", new Object[] {1L, "a"}, new Object[] {2L, "b"});
        table.failReadBefore(
                "ds=1", 1, new SessionInvalidatedException("TableModified: ds=1 changed", null));
        SnapshotLookupFunction f = function(settings(), 0);
        f.open(null);
        assertThat(names(f.lookup(GenericRowData.of(1L)))).containsExactly("1:a@1");
        assertThat(names(f.lookup(GenericRowData.of(2L)))).containsExactly("2:b@1");
        assertThat(table.sessions).containsExactly("ds=1", "ds=1");
        assertThat(waits).hasSize(1);
        f.close();
    }

    @Test
    void aReloadThatFailsAfterItsRetriesFailsTheNextLookup() throws Exception {
        table.put("ds=1", new Object[] {1L, "a"});
        SnapshotLookupFunction f =
                function(settings("lookup.max-retries", "1", "lookup.reload-interval", "1 min"), 0);
        f.open(null);
        table.failListing(new IOException("boom 1"), new IOException("boom 2"));
        clock.advance(Duration.ofMinutes(1));
        assertThat(names(f.lookup(GenericRowData.of(1L)))).containsExactly("1:a@1");
        f.reload().get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> f.lookup(GenericRowData.of(1L)))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "Loading lookup table p.dim failed after 2 attempts ('lookup.max-retries'"
                                + " = 1): boom 2")
                .hasCauseInstanceOf(LookupLoadException.class);
        f.close();
    }

    @Test
    void closeInterruptsAReloadWaitingForItsNextAttempt() throws Exception {
        table.put("ds=1", new Object[] {1L, "a"});
        CountDownLatch waiting = new CountDownLatch(1);
        SnapshotLookupFunction f =
                new SnapshotLookupFunction(
                        table,
                        "p.dim",
                        new RowDataTunnelRecordDeserializer(ROW),
                        settings("lookup.reload-interval", "1 min"),
                        ROW,
                        new int[] {0},
                        clock,
                        millis -> {
                            waiting.countDown();
                            new CountDownLatch(1).await(); // until interrupted
                        });
        f.open(null);
        table.failListing(new IOException("boom"));
        clock.advance(Duration.ofMinutes(1));
        f.lookup(GenericRowData.of(1L));
        assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
        f.close();
        assertThat(f.reload()).isDone();
        assertThat(table.openClients.get()).isZero();
    }

    @Test
    void maxPtIsTheLastPartitionWithDataInNumericOrder() throws Exception {
        table.put("ds=9", new Object[] {1L, "nine"});
        table.put("ds=10", new Object[] {1L, "ten"});
        table.put("ds=11");
        SnapshotLookupFunction f = function(settings("lookup.partition", "max_pt"), 0);
        f.open(null);
        assertThat(names(f.lookup(GenericRowData.of(1L)))).containsExactly("1:ten@10");
        assertThat(table.sessions).containsExactly("ds=11", "ds=10");
    }

    /** Issue #17 defect 1: the newest partition is added before its data is committed. */
    @Test
    void maxPtPassesOverTheNewestPartitionWhileItIsEmptyAndTakesItOnceFilled() throws Exception {
        table.put("ds=20261122", new Object[] {1L, "a"});
        table.put("ds=20261123");
        SnapshotLookupFunction f =
                function(
                        settings("lookup.partition", "max_pt", "lookup.reload-interval", "1 h"), 0);
        f.open(null);
        assertThat(names(f.lookup(GenericRowData.of(1L)))).containsExactly("1:a@20261122");

        table.put("ds=20261123", new Object[] {1L, "b"}, new Object[] {2L, "c"});
        clock.advance(Duration.ofHours(1));
        assertThat(names(f.lookup(GenericRowData.of(1L)))).containsExactly("1:a@20261122");
        f.reload().get(30, TimeUnit.SECONDS);
        assertThat(names(f.lookup(GenericRowData.of(1L)))).containsExactly("1:b@20261123");
        assertThat(names(f.lookup(GenericRowData.of(2L)))).containsExactly("2:c@20261123");
        assertThat(table.sessions).containsExactly("ds=20261123", "ds=20261122", "ds=20261123");
        f.close();
    }

    @Test
    void maxPtOfAMultiLevelTableLoadsAllSubPartitionsOfTheLatestFirstLevelValueWithData()
            throws Exception {
        table.put("ds=20261121,hh=23", new Object[] {1L, "old"});
        table.put("ds=20261122,hh=9", new Object[] {1L, "nine"});
        table.put("ds=20261122,hh=10", new Object[] {2L, "ten"});
        table.put("ds=20261122,hh=8");
        table.put("ds=20261123,hh=0");
        SnapshotLookupFunction f = function(settings("lookup.partition", "max_pt()"), 0);
        f.open(null);
        assertThat(names(f.lookup(GenericRowData.of(1L)))).containsExactly("1:nine@20261122");
        assertThat(names(f.lookup(GenericRowData.of(2L)))).containsExactly("2:ten@20261122");
        assertThat(table.sessions)
                .containsExactly(
                        "ds=20261123,hh=0",
                        "ds=20261122,hh=8",
                        "ds=20261122,hh=9",
                        "ds=20261122,hh=10");
        assertThat(table.openClients.get()).isZero();
    }

    @Test
    void maxPtOfATableWithoutDataLoadsNothing() throws Exception {
        table.put("ds=1");
        SnapshotLookupFunction f = function(settings("lookup.partition", "MAX_PT()"), 0);
        f.open(null);
        assertThat(f.lookup(GenericRowData.of(1L))).isEmpty();
    }

    @Test
    void compositeKeysOfAnyRowDataClassMatch() throws Exception {
        table.put("ds=1", new Object[] {1L, "a"});
        table.put("ds=2", new Object[] {1L, "b"});
        SnapshotLookupFunction f = function(settings(), 0, 2);
        f.open(null);
        assertThat(f.indexedKeys()).isEqualTo(2);
        assertThat(names(f.lookup(GenericRowData.of(1L, BinaryStringData.fromString("2")))))
                .containsExactly("1:b@2");
        assertThat(names(f.lookup(GenericRowData.of(1L, StringData.fromString("1")))))
                .containsExactly("1:a@1");
    }

    @Test
    void onlyLookupColumnsAreDownloaded() throws Exception {
        table.put("ds=1", new Object[] {1L, "a"});
        RowType idOnly =
                (RowType)
                        DataTypes.ROW(
                                        DataTypes.FIELD("id", DataTypes.BIGINT()),
                                        DataTypes.FIELD("ds", DataTypes.STRING()))
                                .getLogicalType();
        SnapshotLookupFunction f =
                new SnapshotLookupFunction(
                        table,
                        "p.dim",
                        new RowDataTunnelRecordDeserializer(idOnly),
                        settings(),
                        idOnly,
                        new int[] {0},
                        clock,
                        recordWait);
        f.open(null);
        assertThat(table.ranges).containsExactly("ds=1[0,1)[id]");
    }

    @Test
    void tooManyRowsFailBeforeAnyRowIsRead() {
        table.put("ds=1", new Object[] {1L, "a"}, new Object[] {2L, "b"});
        table.put("ds=2", new Object[] {3L, "c"});
        SnapshotLookupFunction f = function(settings("lookup.max-rows", "2"), 0);
        assertThatThrownBy(() -> f.open(null))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "Lookup table p.dim has 3 rows, more than 'lookup.max-rows' = 2 allows"
                                + " in memory; raise the option (and the task memory) or select"
                                + " fewer partitions with 'lookup.partition'");
        assertThat(table.ranges).isEmpty();
        assertThat(table.openClients.get()).isZero();

        SnapshotLookupFunction selected =
                function(settings("lookup.max-rows", "2", "lookup.partition", "ds=1;ds=2"), 0);
        assertThatThrownBy(() -> selected.open(null))
                .hasMessageStartingWith(
                        "Lookup table p.dim has 3 rows in the partitions 'ds=1;ds=2', more than");
    }

    @Test
    void loadsPaceTheirDownloadSessionsWithinTheTasksShareOfTheBudget() throws Exception {
        for (int i = 1; i <= 5; i++) {
            table.put("ds=" + i, new Object[] {(long) i, "v" + i});
        }
        // waits move the clock, as sleeping would
        List<Long> sessionTimes = new CopyOnWriteArrayList<>();
        table.onSession = () -> sessionTimes.add(clock.millis());
        long start = clock.millis();
        SnapshotLookupFunction f =
                new SnapshotLookupFunction(
                        table,
                        "p.dim",
                        new RowDataTunnelRecordDeserializer(ROW),
                        settings("lookup.session-budget", "2", "lookup.reload-interval", "1 h"),
                        ROW,
                        new int[] {0},
                        clock,
                        millis -> {
                            waits.add(millis);
                            clock.advance(Duration.ofMillis(millis));
                        });
        f.open(null);
        long window = Duration.ofMinutes(5).toMillis();
        // 2 sessions per 5 minutes: 5 partitions take three windows
        assertThat(sessionTimes)
                .containsExactly(start, start, start + window, start + window, start + 2 * window);
        assertThat(waits).containsExactly(window, window);
        for (long id = 1; id <= 5; id++) {
            assertThat(f.lookup(GenericRowData.of(id))).hasSize(1);
        }

        // the reload is paced the same way, off the task thread, answering from the old rows
        sessionTimes.clear();
        table.put("ds=6", new Object[] {6L, "v6"});
        clock.advance(Duration.ofHours(1));
        long reloadStart = clock.millis();
        assertThat(f.lookup(GenericRowData.of(6L))).isEmpty();
        f.reload().get(30, TimeUnit.SECONDS);
        assertThat(sessionTimes)
                .containsExactly(
                        reloadStart,
                        reloadStart,
                        reloadStart + window,
                        reloadStart + window,
                        reloadStart + 2 * window,
                        reloadStart + 2 * window);
        assertThat(names(f.lookup(GenericRowData.of(6L)))).containsExactly("6:v6@6");
        f.close();
    }

    @Test
    void theSessionBudgetIsSharedEquallyByTheParallelTasks() {
        LookupSessionPacer one = new LookupSessionPacer("p.dim", 100, 1);
        assertThat(one.sessions()).isEqualTo(100);
        assertThat(one.window()).isEqualTo(Duration.ofMinutes(5));
        LookupSessionPacer of8 = new LookupSessionPacer("p.dim", 100, 8);
        assertThat(of8.sessions()).isEqualTo(12);
        assertThat(of8.window()).isEqualTo(Duration.ofMinutes(5));
        // more tasks than sessions: one session per task in a longer window
        LookupSessionPacer of250 = new LookupSessionPacer("p.dim", 100, 250);
        assertThat(of250.sessions()).isEqualTo(1);
        assertThat(of250.window()).isEqualTo(Duration.ofMinutes(15));
        assertThat(settings().sessionBudget()).isEqualTo(100);
    }

    @Test
    void sharedPacersOfTheFullCacheAreDroppedOnceUnusedForTwoWindows() {
        long t = 1_000_000_000L;
        LookupSessionPacer a = LookupSessionPacer.shared("job-1", "p.dim", 100, t);
        assertThat(LookupSessionPacer.shared("job-1", "p.dim", 100, t + 1)).isSameAs(a);
        int held = LookupSessionPacer.sharedCount();
        // another job's lookup table, ten minutes and a bit later: the first one is dropped
        long later = t + 1 + Duration.ofMinutes(10).toMillis() + 1;
        LookupSessionPacer b = LookupSessionPacer.shared("job-2", "p.dim", 100, later);
        assertThat(b).isNotSameAs(a);
        assertThat(LookupSessionPacer.sharedCount()).isEqualTo(held);
        assertThat(LookupSessionPacer.shared("job-1", "p.dim", 100, later)).isNotSameAs(a);
    }

    @Test
    void rowsTakingMoreMemoryThanMaxBytesFailNamingTheTablePartitionAndOption() {
        // each row: 120 + 2 fields x 8 + a BIGINT (16) + a one-character string (42) = 194 bytes
        table.put("ds=1", new Object[] {1L, "a"}, new Object[] {2L, "b"});
        table.put("ds=2", new Object[] {3L, "c"});
        SnapshotLookupFunction f = function(settings("lookup.max-bytes", "500 b"), 0);
        assertThatThrownBy(() -> f.open(null))
                .isInstanceOf(LookupLoadException.class)
                .hasMessage(
                        "Lookup table p.dim takes more memory than 'lookup.max-bytes' = 500 bytes"
                                + " allows: 582 bytes (estimated) after 3 rows, reading partition"
                                + " ds=2; raise the option (and the task memory) or select fewer"
                                + " partitions with 'lookup.partition'");
        // not tried again: it cannot succeed
        assertThat(waits).isEmpty();
        assertThat(table.openClients.get()).isZero();

        SnapshotLookupFunction fits = function(settings("lookup.max-bytes", "582 b"), 0);
        assertThatCode(() -> fits.open(null)).doesNotThrowAnyException();
        assertThat(fits.indexedKeys()).isEqualTo(3);
        assertThat(settings().maxBytes()).isEqualTo(MemorySize.ofMebiBytes(128));
    }

    @Test
    void inputFormatFailsOnMaxBytesToo() {
        table.put("ds=1", new Object[] {1L, "a"}, new Object[] {2L, "b"});
        assertThatThrownBy(() -> readAll(inputFormat(settings("lookup.max-bytes", "200 b"))))
                .isInstanceOf(LookupLoadException.class)
                .hasMessageStartingWith(
                        "Lookup table p.dim takes more memory than 'lookup.max-bytes' = 200 bytes"
                                + " allows: 388 bytes (estimated) after 2 rows, reading partition"
                                + " ds=1;");
        assertThat(waits).isEmpty();
        assertThat(table.openClients.get()).isZero();
    }

    @Test
    void inputFormatReadsTheSnapshotAsOneSplit() throws Exception {
        table.put("ds=1", new Object[] {1L, "a"});
        table.put("ds=2", new Object[] {2L, "b"});
        TableSnapshotInputFormat format = inputFormat(settings());
        var splits = format.createInputSplits(4);
        assertThat(splits).hasSize(1);
        format.open(splits[0]);
        List<RowData> rows = new ArrayList<>();
        while (!format.reachedEnd()) {
            rows.add(format.nextRecord(null));
        }
        format.close();
        assertThat(names(rows)).containsExactly("1:a@1", "2:b@2");
        assertThat(table.openClients.get()).isZero();
    }

    private TableSnapshotInputFormat inputFormat(LookupSettings settings) {
        return new TableSnapshotInputFormat(
                table,
                "p.dim",
                new RowDataTunnelRecordDeserializer(ROW),
                settings,
                null,
                recordWait);
    }

    private static List<RowData> readAll(TableSnapshotInputFormat format) throws IOException {
        format.open(format.createInputSplits(1)[0]);
        List<RowData> rows = new ArrayList<>();
        try {
            while (!format.reachedEnd()) {
                rows.add(format.nextRecord(null));
            }
        } finally {
            format.close();
        }
        return rows;
    }

    @Test
    void inputFormatStartsAgainUntilItsFirstRowAndResumesAfterwards() throws Exception {
        table.put("ds=1", new Object[] {1L, "a"}, new Object[] {2L, "b"});
        table.put("ds=2", new Object[] {3L, "c"});
        table.failListing(new IOException("boom"));
        table.failReadBefore(
                "ds=1", 0, new SessionInvalidatedException("TableModified: ds=1 changed", null));
        table.failReadBefore("ds=2", 0, new IOException("connection reset"));
        assertThat(names(readAll(inputFormat(settings()))))
                .containsExactly("1:a@1", "2:b@1", "3:c@2");
        assertThat(table.sessions).containsExactly("ds=1", "ds=2", "ds=1", "ds=2");
        assertThat(table.ranges)
                .containsExactly(
                        "ds=1[0,2)[id, name]",
                        "ds=1[0,2)[id, name]",
                        "ds=2[0,1)[id, name]",
                        "ds=2[0,1)[id, name]");
        assertThat(waits).hasSize(3);
        assertThat(table.openClients.get()).isZero();
    }

    @Test
    void inputFormatFailsWhenTheTableIsModifiedAfterItsFirstRowReachedTheCache() throws Exception {
        table.put("ds=1", new Object[] {1L, "a"}, new Object[] {2L, "b"}, new Object[] {3L, "c"});
        // the format reads a row ahead: the failure before row 2 surfaces with row 1
        table.failReadBefore(
                "ds=1", 2, new SessionInvalidatedException("TableModified: ds=1 changed", null));
        TableSnapshotInputFormat format = inputFormat(settings());
        format.open(format.createInputSplits(1)[0]);
        assertThat(names(List.of(format.nextRecord(null)))).containsExactly("1:a@1");
        assertThatThrownBy(() -> format.nextRecord(null))
                .isInstanceOf(SessionInvalidatedException.class)
                .hasMessage("TableModified: ds=1 changed");
        format.close();
        assertThat(waits).isEmpty();
        assertThat(table.openClients.get()).isZero();
    }

    @Test
    void invalidOptionsAreRejectedWithTheirKeys() {
        assertThatThrownBy(() -> settings("lookup.max-rows", "0"))
                .isInstanceOf(ValidationException.class)
                .hasMessage("Option 'lookup.max-rows' must be at least 1, got 0");
        assertThatThrownBy(() -> settings("lookup.max-bytes", "0 b"))
                .isInstanceOf(ValidationException.class)
                .hasMessage("Option 'lookup.max-bytes' must be at least 1 byte, got 0");
        assertThatThrownBy(() -> settings("lookup.session-budget", "0"))
                .isInstanceOf(ValidationException.class)
                .hasMessage("Option 'lookup.session-budget' must be at least 1, got 0");
        assertThatThrownBy(() -> settings("lookup.reload-interval", "0 s"))
                .isInstanceOf(ValidationException.class)
                .hasMessage("Option 'lookup.reload-interval' must be positive, got PT0S");
        assertThatThrownBy(() -> settings("lookup.max-retries", "-1"))
                .isInstanceOf(ValidationException.class)
                .hasMessage("Option 'lookup.max-retries' must be 0 (no retries) or more, got -1");
        assertThatThrownBy(() -> settings("lookup.partition", "ds=1,hh"))
                .isInstanceOf(ValidationException.class)
                .hasMessage(
                        "Option 'lookup.partition': 'hh' in 'ds=1,hh' is not key=value (partitions"
                                + " are separated by ';', keys by ',', '*' matches any"
                                + " characters)");
        assertThatThrownBy(() -> settings("lookup.partition", "max_two_pt()"))
                .isInstanceOf(ValidationException.class)
                .hasMessage(
                        "Option 'lookup.partition': of MaxCompute's partition functions only"
                                + " 'max_pt()' (the latest partition) is supported, got"
                                + " 'max_two_pt()'; or give partition specs with '*' wildcards");
        assertThat(settings("lookup.partition", "MAX_PT").latestPartition()).isTrue();
        assertThat(settings("lookup.partition", " max_pt( ) ").latestPartition()).isTrue();
        assertThat(settings().maxRetries()).isEqualTo(3);
        assertThat(settings().partitions()).isNull();
    }

    private static final class MutableClock extends Clock {
        private volatile long millis = 1_000_000;

        synchronized void advance(Duration d) {
            millis += d.toMillis();
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public long millis() {
            return millis;
        }
    }
}
