package io.github.mctunnel.flink.source.reader;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.source.SessionInvalidationPolicy;
import io.github.mctunnel.flink.source.TunnelRecordDeserializer;
import io.github.mctunnel.flink.source.split.TunnelSplit;
import io.github.mctunnel.flink.source.table.DownloadSessionInfo;
import io.github.mctunnel.flink.source.table.ReadMetrics;
import io.github.mctunnel.flink.source.table.RowRangeReader;
import io.github.mctunnel.flink.source.table.TableReadClient;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Watermark alignment: a paused split is set aside where it stands and continues from there once
 * resumed; other splits are read meanwhile; with every split paused a fetch returns nothing.
 */
class TunnelSplitReaderPauseTest {

    /** Rows are "session:row"; every opened range is recorded as "session[start,end)". */
    private static final class Table implements TableReadClientFactory {
        private static final long serialVersionUID = 1L;
        final List<String> ranges = new ArrayList<>();

        @Override
        public TableReadClient connect(ReadMetrics metrics) {
            return new TableReadClient() {
                @Override
                public TableSchema tableSchema() {
                    return new TableSchema(List.of(Column.of("id", "string")), List.of());
                }

                @Override
                public List<PartitionSpec> listPartitions() {
                    return List.of();
                }

                @Override
                public DownloadSessionInfo createSession(PartitionSpec partition) {
                    throw new UnsupportedOperationException("readers create no sessions");
                }

                @Override
                public TableSchema sessionSchema(String sessionId, PartitionSpec partition) {
                    return tableSchema();
                }

                @Override
                public RowRangeReader openRange(
                        String sessionId,
                        PartitionSpec partition,
                        long start,
                        long end,
                        List<String> columns) {
                    ranges.add(sessionId + "[" + start + "," + end + ")");
                    return new RowRangeReader() {
                        long next = start;

                        @Override
                        public Object[] read() {
                            return next < end ? new Object[] {sessionId + ":" + next++} : null;
                        }

                        @Override
                        public void close() {}
                    };
                }

                @Override
                public void close() {}
            };
        }
    }

    private static final class Values implements TunnelRecordDeserializer<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public List<String> open(TableSchema schema) {
            return List.of("id");
        }

        @Override
        public String deserialize(Object[] values, PartitionSpec partition) {
            return (String) values[0];
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    private static List<String> rows(RecordsWithSplitIds<String> batch) {
        List<String> rows = new ArrayList<>();
        while (batch.nextSplit() != null) {
            for (String r = batch.nextRecordFromSplit(); r != null; ) {
                rows.add(r);
                r = batch.nextRecordFromSplit();
            }
        }
        return rows;
    }

    @Test
    void pausedSplitContinuesWhereItStoodOnceResumed() throws Exception {
        Table table = new Table();
        TunnelSplitReader<String> reader =
                new TunnelSplitReader<>(
                        table,
                        "p.t",
                        new Values(),
                        SessionInvalidationPolicy.FAIL,
                        3,
                        ReadMetrics.NONE,
                        new HashMap<>());
        TunnelSplit a = new TunnelSplit("", "A", 5, 0, 5, 0);
        TunnelSplit b = new TunnelSplit("", "B", 4, 0, 4, 0);
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(a, b)));
        assertThat(rows(reader.fetch())).containsExactly("A:0", "A:1", "A:2");

        reader.pauseOrResumeSplits(List.of(a), List.of());
        List<String> read = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            read.addAll(rows(reader.fetch()));
        }
        assertThat(read).containsExactly("B:0", "B:1", "B:2", "B:3");
        reader.wakeUp(); // every split paused: the fetch does not wait for a resume
        assertThat(rows(reader.fetch())).isEmpty();

        reader.pauseOrResumeSplits(List.of(), List.of(a));
        read.clear();
        for (int i = 0; i < 2; i++) {
            read.addAll(rows(reader.fetch()));
        }
        assertThat(read).containsExactly("A:3", "A:4");
        assertThat(table.ranges).containsExactly("A[0,5)", "B[0,4)", "A[3,5)");
        reader.close();
    }
}
