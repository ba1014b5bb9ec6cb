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
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** A reader's row limit (limit push-down): ranges are cut, later splits finish unread. */
class TunnelSplitReaderLimitTest {

    /** Rows are their row numbers; every opened range is recorded as "session[start,end)". */
    private static final class CountingTable implements TableReadClientFactory {
        private static final long serialVersionUID = 1L;
        final List<String> ranges = new ArrayList<>();

        @Override
        public TableReadClient connect(ReadMetrics metrics) {
            return new TableReadClient() {
                @Override
                public TableSchema tableSchema() {
                    return new TableSchema(List.of(Column.of("id", "bigint")), List.of());
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
                            return next < end ? new Object[] {next++} : null;
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

    private static final class Ids implements TunnelRecordDeserializer<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public List<String> open(TableSchema schema) {
            return List.of("id");
        }

        @Override
        public Long deserialize(Object[] values, PartitionSpec partition) {
            return (Long) values[0];
        }

        @Override
        public TypeInformation<Long> getProducedType() {
            return Types.LONG;
        }
    }

    @Test
    void readsNoMoreRowsThanTheLimitAndFinishesTheOtherSplitsUnread() throws Exception {
        CountingTable table = new CountingTable();
        TunnelSplitReader<Long> reader =
                new TunnelSplitReader<>(
                        table,
                        "p.t",
                        new Ids(),
                        SessionInvalidationPolicy.FAIL,
                        4,
                        ReadMetrics.NONE,
                        new HashMap<>(),
                        7);
        reader.handleSplitsChanges(
                new SplitsAddition<>(
                        List.of(
                                new TunnelSplit("", "S1", 100, 0, 5, 0),
                                new TunnelSplit("", "S1", 100, 5, 100, 5),
                                new TunnelSplit("", "S2", 50, 0, 50, 0))));
        List<Long> rows = new ArrayList<>();
        Set<String> finished = new TreeSet<>();
        for (int i = 0; i < 10; i++) {
            RecordsWithSplitIds<Long> batch = reader.fetch();
            while (batch.nextSplit() != null) {
                for (Long r = batch.nextRecordFromSplit(); r != null; ) {
                    rows.add(r);
                    r = batch.nextRecordFromSplit();
                }
            }
            finished.addAll(batch.finishedSplits());
        }
        reader.close();
        assertThat(rows).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(table.ranges).containsExactly("S1[0,5)", "S1[5,7)");
        assertThat(finished).containsExactly("S1/0", "S1/5", "S2/0");
    }
}
