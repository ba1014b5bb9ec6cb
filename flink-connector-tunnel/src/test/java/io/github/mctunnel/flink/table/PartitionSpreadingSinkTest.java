package io.github.mctunnel.flink.table;

import org.apache.flink.runtime.plugable.SerializationDelegate;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.RowType;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code sink.writers-per-partition}: the rows of a partition reach at most N writers. */
class PartitionSpreadingSinkTest {

    private static final RowType ROW =
            (RowType)
                    DataTypes.ROW(
                                    DataTypes.FIELD("id", DataTypes.BIGINT()),
                                    DataTypes.FIELD("ds", DataTypes.STRING()),
                                    DataTypes.FIELD("hh", DataTypes.INT()))
                            .getLogicalType();

    private static final int CHANNELS = 8;

    private static RowData row(long id, String ds, Integer hh) {
        return GenericRowData.of(id, StringData.fromString(ds), hh);
    }

    /** Channels each partition (ds, hh) was sent to. */
    private static Map<String, Set<Integer>> route(PartitionSpreadPartitioner p, int rows) {
        p.setup(CHANNELS);
        SerializationDelegate<StreamRecord<RowData>> delegate = new SerializationDelegate<>(null);
        Map<String, Set<Integer>> channels = new HashMap<>();
        for (int i = 0; i < rows; i++) {
            String ds = "2026112" + (i % 5);
            Integer hh = i % 2 == 0 ? null : 8;
            delegate.setInstance(new StreamRecord<>(row(i, ds, hh)));
            int channel = p.selectChannel(delegate);
            assertThat(channel).isBetween(0, CHANNELS - 1);
            channels.computeIfAbsent(ds + "/" + hh, k -> new TreeSet<>()).add(channel);
        }
        return channels;
    }

    @Test
    void rowsOfAPartitionReachExactlyNConsecutiveWriters() {
        Map<String, Set<Integer>> channels =
                route(new PartitionSpreadPartitioner(ROW, List.of("DS", "hh"), 3), 3000);
        assertThat(channels).hasSize(10);
        channels.forEach(
                (partition, used) -> {
                    assertThat(used).as(partition).hasSize(3);
                    int first =
                            used.stream()
                                    .filter(c -> !used.contains((c + CHANNELS - 1) % CHANNELS))
                                    .findFirst()
                                    .orElseThrow();
                    assertThat(used)
                            .as(partition)
                            .containsExactlyInAnyOrder(
                                    first, (first + 1) % CHANNELS, (first + 2) % CHANNELS);
                });
    }

    @Test
    void oneWriterPerPartitionKeepsAPartitionOnOneSubtask() {
        route(new PartitionSpreadPartitioner(ROW, List.of("ds", "hh"), 1), 1000)
                .forEach((partition, used) -> assertThat(used).as(partition).hasSize(1));
    }

    @Test
    void staticPartitionSpreadsOverNWritersAndNeverMoreThanTheSubtasks() {
        Map<String, Set<Integer>> few =
                route(new PartitionSpreadPartitioner(ROW, List.of(), 2), 100);
        Set<Integer> all = new TreeSet<>();
        few.values().forEach(all::addAll);
        assertThat(all).containsExactly(0, 1);
        Map<String, Set<Integer>> many =
                route(new PartitionSpreadPartitioner(ROW, List.of(), 20), 100);
        all.clear();
        many.values().forEach(all::addAll);
        assertThat(all).hasSize(CHANNELS);
    }

    @Test
    void unknownPartitionFieldAndZeroWritersAreRefused() {
        assertThatThrownBy(() -> new PartitionSpreadPartitioner(ROW, List.of("pt"), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("The row has no field for partition key pt");
        assertThatThrownBy(() -> new PartitionSpreadPartitioner(ROW, List.of("ds"), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("writers must be at least 1, got 0");
    }
}
