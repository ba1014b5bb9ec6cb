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

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.core.io.InputStatus;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event time: a reader without splits marks its output idle (so it holds back no watermark), and
 * active again before it emits the rows of a new split.
 */
class TunnelSourceReaderIdlenessTest {

    /** Rows are "session:row". */
    private static final class Table implements TableReadClientFactory {
        private static final long serialVersionUID = 1L;

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

    /** Records what reaches it, in order: records, "idle" and "active". */
    private static final class RecordingOutput implements ReaderOutput<String> {
        final List<String> events = new ArrayList<>();

        @Override
        public void collect(String record) {
            events.add(record);
        }

        @Override
        public void collect(String record, long timestamp) {
            events.add(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {
            events.add("idle");
        }

        @Override
        public void markActive() {
            events.add("active");
        }

        @Override
        public SourceOutput<String> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }

    @Test
    void readerWithoutSplitsIsIdleAndActiveWhileItReadsOne() throws Exception {
        Map<String, TunnelSplit> invalidated = new ConcurrentHashMap<>();
        TestingReaderContext context = new TestingReaderContext();
        RecordingOutput output = new RecordingOutput();
        try (TunnelSourceReader<String> reader =
                new TunnelSourceReader<>(
                        () ->
                                new TunnelSplitReader<>(
                                        new Table(),
                                        "p.t",
                                        new Values(),
                                        SessionInvalidationPolicy.FAIL,
                                        10,
                                        ReadMetrics.NONE,
                                        invalidated),
                        invalidated,
                        new Configuration(),
                        context)) {
            reader.start();
            assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
            assertThat(reader.pollNext(output)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
            assertThat(output.events).containsExactly("idle");

            reader.addSplits(List.of(new TunnelSplit("", "S", 3, 0, 3, 0)));
            // until the split finished and the reader found nothing more: idle again (while it
            // holds the split, nothing available means its rows or its end are still to come)
            while (true) {
                InputStatus status = reader.pollNext(output);
                if (output.events.size() > 1
                        && output.events.get(output.events.size() - 1).equals("idle")) {
                    break;
                }
                if (status == InputStatus.NOTHING_AVAILABLE) {
                    reader.isAvailable().get(30, TimeUnit.SECONDS);
                }
            }
            assertThat(output.events)
                    .containsExactly("idle", "active", "S:0", "S:1", "S:2", "idle");
        }
    }
}
