package io.github.mctunnel.flink.source.reader;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.source.SessionInvalidationPolicy;
import io.github.mctunnel.flink.source.TunnelRecordDeserializer;
import io.github.mctunnel.flink.source.split.SplitInvalidatedAck;
import io.github.mctunnel.flink.source.split.SplitInvalidatedEvent;
import io.github.mctunnel.flink.source.split.TunnelSplit;
import io.github.mctunnel.flink.source.table.DownloadSessionInfo;
import io.github.mctunnel.flink.source.table.ReadMetrics;
import io.github.mctunnel.flink.source.table.RowRangeReader;
import io.github.mctunnel.flink.source.table.SessionInvalidatedException;
import io.github.mctunnel.flink.source.table.TableReadClient;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.apache.flink.core.io.InputStatus;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reader told "no more splits" while it still holds splits (restored from a checkpoint) keeps
 * running when one of them turns out invalid under RECREATE, so it can read the rest the enumerator
 * hands out again.
 */
class TunnelSourceReaderNoMoreSplitsTest {

    /**
     * Rows are "session:row"; session X is invalid (expired), found so once {@link #xGate} is
     * opened.
     */
    private static final class Table implements TableReadClientFactory {
        private static final long serialVersionUID = 1L;

        final transient CountDownLatch xGate = new CountDownLatch(1);

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
                        List<String> columns)
                        throws SessionInvalidatedException {
                    if (sessionId.equals("X")) {
                        try {
                            xGate.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new SessionInvalidatedException("session X expired", null);
                    }
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

    /** Polls until the condition holds or the reader ends; returns the last status. */
    private static InputStatus pollUntil(
            TunnelSourceReader<String> reader,
            TestingReaderOutput<String> output,
            BooleanSupplier done)
            throws Exception {
        while (true) {
            InputStatus status = reader.pollNext(output);
            if (done.getAsBoolean() || status == InputStatus.END_OF_INPUT) {
                return status;
            }
            if (status == InputStatus.NOTHING_AVAILABLE) {
                reader.isAvailable().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Polls until the reader ends, or until it has nothing available and stays so for a second (it
     * waits for a split: every change of a reader's state, such as its fetcher shutting down, makes
     * it available at once, so a reader about to end does so well within that second).
     */
    private static InputStatus pollUntilEndOrWaiting(
            TunnelSourceReader<String> reader, TestingReaderOutput<String> output)
            throws Exception {
        while (true) {
            InputStatus status = reader.pollNext(output);
            if (status == InputStatus.END_OF_INPUT) {
                return status;
            }
            if (status == InputStatus.NOTHING_AVAILABLE) {
                try {
                    reader.isAvailable().get(1, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    return status;
                }
            }
        }
    }

    @Test
    void aReaderToldNoMoreSplitsKeepsRunningForTheRestOfASplitItHandsBack() throws Exception {
        Map<String, TunnelSplit> invalidated = new ConcurrentHashMap<>();
        TestingReaderContext context = new TestingReaderContext();
        TestingReaderOutput<String> output =
                new TestingReaderOutput<>() {
                    @Override
                    public void markIdle() {}

                    @Override
                    public void markActive() {}
                };
        TunnelSplit x = new TunnelSplit("", "X", 3, 0, 3, 1);
        Table table = new Table();
        try (TunnelSourceReader<String> reader =
                new TunnelSourceReader<>(
                        () ->
                                new TunnelSplitReader<>(
                                        table,
                                        "p.t",
                                        new Values(),
                                        SessionInvalidationPolicy.RECREATE,
                                        10,
                                        ReadMetrics.NONE,
                                        invalidated),
                        invalidated,
                        new Configuration(),
                        context)) {
            // restored from a checkpoint: a split of a live session, then one of an expired one
            reader.addSplits(List.of(new TunnelSplit("", "A", 2, 0, 2, 0), x));
            reader.start();
            assertThat(context.getNumSplitRequests()).isZero();

            // A finishes and asks for more; the enumerator has nothing left
            pollUntil(reader, output, () -> context.getNumSplitRequests() == 1);
            reader.notifyNoMoreSplits();
            table.xGate.countDown();

            // X is found invalid and handed back: the reader must not end
            pollUntil(reader, output, () -> !context.getSentEvents().isEmpty());
            InputStatus status = pollUntilEndOrWaiting(reader, output);
            assertThat(context.getSentEvents())
                    .singleElement()
                    .isInstanceOfSatisfying(
                            SplitInvalidatedEvent.class, e -> assertThat(e.split()).isEqualTo(x));
            assertThat(context.getNumSplitRequests()).isEqualTo(2);
            assertThat(status).isEqualTo(InputStatus.NOTHING_AVAILABLE);

            // the enumerator acknowledges and hands the rest out again on a new session B
            reader.handleSourceEvents(new SplitInvalidatedAck(x.splitId()));
            reader.addSplits(List.of(new TunnelSplit("", "B", 3, 1, 3, 1)));
            pollUntil(reader, output, () -> context.getNumSplitRequests() == 3);
            reader.notifyNoMoreSplits();
            assertThat(pollUntilEndOrWaiting(reader, output)).isEqualTo(InputStatus.END_OF_INPUT);
            assertThat(output.getEmittedRecords()).containsExactly("A:0", "A:1", "B:1", "B:2");
        }
    }
}
