package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.flink.source.reader.TunnelSplitReader;
import io.github.mctunnel.flink.source.split.TunnelSplit;
import io.github.mctunnel.flink.source.table.DownloadSessionInfo;
import io.github.mctunnel.flink.source.table.ReadMetrics;
import io.github.mctunnel.flink.source.table.TableReadClient;
import io.github.mctunnel.flink.source.table.TunnelTableReadClientFactory;

import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Splits restored from a checkpoint, against the emulator with its clock moved past expiry. */
class TunnelSourceRestoreTest {

    private EmulatorTables tables;

    @AfterEach
    void stop() throws Exception {
        if (tables != null) {
            tables.close();
        }
    }

    @Test
    void aFinishedSplitRestoredAfterItsSessionExpiredTouchesNoServiceEvenUnderFail()
            throws Exception {
        tables = new EmulatorTables(EmulatorLimits.defaults());
        tables.sql("CREATE TABLE t (id BIGINT, name STRING)");
        List<String> expected = tables.write("t", "", 0, 10);
        TunnelTableReadClientFactory factory =
                new TunnelTableReadClientFactory(
                        tables.connection(), null, "t", Compression.RAW, 1000);
        DownloadSessionInfo old;
        try (TableReadClient c = factory.connect(ReadMetrics.NONE)) {
            old = c.createSession(PartitionSpec.empty());
        }
        tables.emulator.advanceClock(Duration.ofHours(25));
        DownloadSessionInfo fresh;
        try (TableReadClient c = factory.connect(ReadMetrics.NONE)) {
            fresh = c.createSession(PartitionSpec.empty());
        }
        long sequence = lastSequence();

        TunnelSplitReader<String> reader =
                new TunnelSplitReader<>(
                        factory,
                        "p.t",
                        new LineDeserializer(),
                        SessionInvalidationPolicy.FAIL,
                        100,
                        ReadMetrics.NONE,
                        new HashMap<>());
        reader.handleSplitsChanges(
                new SplitsAddition<>(
                        List.of(
                                new TunnelSplit("", old.id(), 10, 0, 10, 10),
                                new TunnelSplit("", fresh.id(), 10, 0, 10, 4))));
        List<String> rows = new ArrayList<>();
        Set<String> finished = new TreeSet<>();
        for (int i = 0; i < 4; i++) {
            RecordsWithSplitIds<String> batch = reader.fetch();
            while (batch.nextSplit() != null) {
                for (String r = batch.nextRecordFromSplit(); r != null; ) {
                    rows.add(r);
                    r = batch.nextRecordFromSplit();
                }
            }
            finished.addAll(batch.finishedSplits());
        }
        reader.close();

        assertThat(rows).containsExactlyElementsOf(expected.subList(4, 10));
        assertThat(finished).containsExactlyInAnyOrder(old.id() + "/0", fresh.id() + "/0");
        assertThat(
                        tables.emulator.requestLog().entries(r -> r.sequence() > sequence).stream()
                                .filter(r -> old.id().equals(r.params().get("downloadid")))
                                .toList())
                .isEmpty();
    }

    private long lastSequence() {
        List<LoggedRequest> all = tables.emulator.requestLog().entries();
        return all.isEmpty() ? 0 : all.get(all.size() - 1).sequence();
    }
}
