package io.github.mctunnel.flink.sink.routing;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.sink.TunnelRecordSerializer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionSpreadRouterTest {

    private static final TableSchema SCHEMA =
            new TableSchema(List.of(Column.of("id", "bigint")), List.of(Column.of("ds", "string")));

    /** Row {@code id} belongs to partition {@code ds=p<id % 100>}. */
    private static final TunnelRecordSerializer<Long> SERIALIZER =
            (id, record) -> {
                record.setBigint(0, id);
                record.setString(1, "p" + (id % 100));
            };

    private static PartitionSpreadRouter<Long> dynamicRouter(WriterSpread spread, int channels) {
        PartitionSpreadRouter<Long> router =
                new PartitionSpreadRouter<>("t", null, SERIALIZER, () -> SCHEMA, spread);
        router.setup(channels);
        return router;
    }

    /** The subtasks each partition's rows went to, for ids 0 .. rows-1. */
    private static Map<Long, Set<Integer>> channelsByPartition(
            PartitionSpreadRouter<Long> router, int rows) {
        Map<Long, Set<Integer>> channels = new HashMap<>();
        for (long id = 0; id < rows; id++) {
            channels.computeIfAbsent(id % 100, p -> new TreeSet<>()).add(router.channelFor(id));
        }
        return channels;
    }

    @Test
    void eachPartitionIsWrittenByTheConfiguredNumberOfAdjacentWriters() {
        Map<Long, Set<Integer>> channels =
                channelsByPartition(dynamicRouter(new WriterSpread(2, 64, 8), 8), 10_000);
        assertThat(channels).hasSize(100);
        for (Map.Entry<Long, Set<Integer>> e : channels.entrySet()) {
            List<Integer> used = new ArrayList<>(e.getValue());
            assertThat(used).as("partition p%d", e.getKey()).hasSize(2);
            int first = used.get(0);
            int second = used.get(1);
            assertThat(second == first + 1 || (first == 0 && second == 7))
                    .as("partition p%d on %s", e.getKey(), used)
                    .isTrue();
        }
        // the 100 partitions are spread over all 8 writers
        Set<Integer> all = new TreeSet<>();
        channels.values().forEach(all::addAll);
        assertThat(all).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void routingDependsOnlyOnThePartitionValuesAndTheParallelism() {
        WriterSpread spread = new WriterSpread(3, 64, 8);
        PartitionSpreadRouter<Long> router = dynamicRouter(spread, 12);
        PartitionSpreadRouter<Long> copy = (PartitionSpreadRouter<Long>) router.copy();
        copy.setup(12);
        // the copy starts its round robin elsewhere: the sets must still agree
        copy.channelFor(7L);
        assertThat(channelsByPartition(copy, 3_000)).isEqualTo(channelsByPartition(router, 3_000));
    }

    @Test
    void aHighParallelismUsesOnlyAsManyWritersAsTheTableHasPartitionSlots() {
        Map<Long, Set<Integer>> channels =
                channelsByPartition(dynamicRouter(new WriterSpread(0, 64, 8), 200), 200_000);
        Set<Integer> all = new TreeSet<>();
        channels.values().forEach(all::addAll);
        assertThat(all).allMatch(c -> c < 64);
        // default writers per partition: the 32-slot limit
        assertThat(channels.values()).allMatch(s -> s.size() == 32);
    }

    @Test
    void aStaticPartitionIsSpreadOverTheConfiguredWriters() {
        PartitionSpreadRouter<Long> router =
                new PartitionSpreadRouter<>(
                        "t",
                        PartitionSpec.parse("ds=20240101"),
                        SERIALIZER,
                        () -> {
                            throw new AssertionError("a static partition needs no schema");
                        },
                        new WriterSpread(4, 64, 8));
        router.setup(40);
        Set<Integer> used = new TreeSet<>();
        for (long id = 0; id < 100; id++) {
            used.add(router.channelFor(id));
        }
        int first =
                PartitionSpreadRouter.firstChannel(
                        PartitionSpec.parse("ds=20240101").toString().hashCode(), 40);
        assertThat(used)
                .containsExactlyInAnyOrder(
                        first, (first + 1) % 40, (first + 2) % 40, (first + 3) % 40);
    }

    @Test
    void aFailedSchemaLookupNamesTheTable() {
        PartitionSpreadRouter<Long> router =
                new PartitionSpreadRouter<>(
                        "events",
                        null,
                        SERIALIZER,
                        () -> {
                            throw new IOException("connection refused");
                        },
                        new WriterSpread(2, 64, 8));
        router.setup(4);
        assertThatThrownBy(() -> router.channelFor(1L))
                .hasMessage(
                        "Routing rows to the writers of table events needs its schema, and"
                                + " looking it up failed: connection refused");
    }

    @Test
    void dynamicRoutingOfANonPartitionedTableIsRejected() {
        PartitionSpreadRouter<Long> router =
                new PartitionSpreadRouter<>(
                        "events",
                        null,
                        SERIALIZER,
                        () -> new TableSchema(List.of(Column.of("id", "bigint")), List.of()),
                        new WriterSpread(2, 64, 8));
        router.setup(4);
        assertThatThrownBy(() -> router.channelFor(1L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Dynamic partitioning was configured, but table events is not partitioned");
    }
}
