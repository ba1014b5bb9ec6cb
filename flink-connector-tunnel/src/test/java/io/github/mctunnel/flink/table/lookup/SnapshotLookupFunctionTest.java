package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.flink.source.RowDataTunnelRecordDeserializer;

import org.apache.flink.configuration.Configuration;
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

import static org.assertj.core.api.Assertions.assertThat;
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
                clock);
    }

    private static List<String> names(Collection<RowData> rows) {
        List<String> out = new ArrayList<>();
        for (RowData r : rows) {
            out.add(r.getLong(0) + ":" + r.getString(1) + "@" + r.getString(2));
        }
        return out;
    }

    @Test
    void latestPartitionIsIndexedAndReloadedAfterTheInterval() throws Exception {
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
        assertThat(table.sessions).hasSize(1);

        clock.advance(Duration.ofMillis(1));
        assertThat(names(f.lookup(GenericRowData.of(2L)))).containsExactly("2:b@20261123");
        assertThat(f.lookup(GenericRowData.of(1L))).isEmpty();
        assertThat(table.sessions).containsExactly("ds=20261122", "ds=20261123");
        assertThat(table.openClients).isZero();
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
        assertThat(table.openClients).isZero();
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
                        clock);
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
        assertThat(table.openClients).isZero();

        SnapshotLookupFunction selected =
                function(settings("lookup.max-rows", "2", "lookup.partition", "ds=1;ds=2"), 0);
        assertThatThrownBy(() -> selected.open(null))
                .hasMessageStartingWith(
                        "Lookup table p.dim has 3 rows in the partitions 'ds=1;ds=2', more than");
    }

    @Test
    void inputFormatReadsTheSnapshotAsOneSplit() throws Exception {
        table.put("ds=1", new Object[] {1L, "a"});
        table.put("ds=2", new Object[] {2L, "b"});
        TableSnapshotInputFormat format =
                new TableSnapshotInputFormat(
                        table, "p.dim", new RowDataTunnelRecordDeserializer(ROW), settings(), null);
        var splits = format.createInputSplits(4);
        assertThat(splits).hasSize(1);
        format.open(splits[0]);
        List<RowData> rows = new ArrayList<>();
        while (!format.reachedEnd()) {
            rows.add(format.nextRecord(null));
        }
        format.close();
        assertThat(names(rows)).containsExactly("1:a@1", "2:b@2");
        assertThat(table.openClients).isZero();
    }

    @Test
    void invalidOptionsAreRejectedWithTheirKeys() {
        assertThatThrownBy(() -> settings("lookup.max-rows", "0"))
                .isInstanceOf(ValidationException.class)
                .hasMessage("Option 'lookup.max-rows' must be at least 1, got 0");
        assertThatThrownBy(() -> settings("lookup.reload-interval", "0 s"))
                .isInstanceOf(ValidationException.class)
                .hasMessage("Option 'lookup.reload-interval' must be positive, got PT0S");
        assertThat(settings("lookup.partition", "MAX_PT").latestPartition()).isTrue();
        assertThat(settings().partitions()).isNull();
    }

    private static final class MutableClock extends Clock {
        private long millis = 1_000_000;

        void advance(Duration d) {
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
