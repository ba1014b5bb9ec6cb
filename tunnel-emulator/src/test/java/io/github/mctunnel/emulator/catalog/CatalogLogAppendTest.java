package io.github.mctunnel.emulator.catalog;

import io.github.mctunnel.client.schema.PartitionSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A failed append leaves nothing behind that hides later records, and partitions are replayed from
 * their stored keys and values, not from text.
 */
class CatalogLogAppendTest {

    @TempDir Path dir;

    private static CatalogEvent created(String value) {
        PartitionSpec spec = PartitionSpec.of(Map.of("ds", value));
        return new CatalogEvent.PartitionCreated(
                1L, "p.t", spec.toString(), CatalogEvent.StoredPartition.of(spec));
    }

    private List<CatalogEvent> replay() throws Exception {
        List<CatalogEvent> events = new ArrayList<>();
        try (CatalogLog log = CatalogLog.open(dir)) {
            log.replay(events::add);
        }
        return events;
    }

    @Test
    void aRecordAppendedAfterAFailedOneIsReplayed() throws Exception {
        try (CatalogLog log = CatalogLog.open(dir)) {
            log.replay(e -> {});
            log.append(created("a"));
            log.failNextAppendAfter(13);
            assertThatThrownBy(() -> log.append(created("b")))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("Cannot write the catalog log");
            log.append(created("c"));
        }
        assertThat(replay())
                .extracting(e -> ((CatalogEvent.PartitionCreated) e).spec())
                .containsExactly(
                        PartitionSpec.of(Map.of("ds", "a")), PartitionSpec.of(Map.of("ds", "c")));
    }

    /** The stored form wins over the text: a value the tunnel form cannot carry reads back. */
    @Test
    void partitionsAreReplayedFromTheirStoredKeysAndValues() {
        CatalogEvent.PartitionCreated e =
                new CatalogEvent.PartitionCreated(
                        1L,
                        "p.t",
                        "ds=a/b,hh=1",
                        new CatalogEvent.StoredPartition(
                                List.of("ds", "hh"), List.of("a/b,hh=1", "1")));
        assertThat(e.spec().values())
                .containsExactly(Map.entry("ds", "a/b,hh=1"), Map.entry("hh", "1"));
        // logs written before the stored form: the text is parsed
        assertThat(new CatalogEvent.PartitionCreated(1L, "p.t", "ds=x", null).spec())
                .isEqualTo(PartitionSpec.of(Map.of("ds", "x")));
    }

    /** A record of an earlier log (without the stored form) still replays. */
    @Test
    void eventsOfEarlierLogsWithoutTheStoredFormReplay() throws Exception {
        try (CatalogLog log = CatalogLog.open(dir)) {
            log.replay(ev -> {});
            log.append(new CatalogEvent.PartitionDropped(2L, "p.t", "ds=z", null));
        }
        assertThat(replay())
                .extracting(e -> ((CatalogEvent.PartitionDropped) e).spec())
                .containsExactly(PartitionSpec.of(Map.of("ds", "z")));
    }
}
