package io.github.mctunnel.benchmarks.flink.upsert;

import io.github.mctunnel.benchmarks.flink.sink.EventRowData;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.binary.BinaryRowData;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * Emits a {@link Changelog} as {@code BinaryRowData} (as the SQL planner hands a changelog to a
 * sink), one flush window at a time, so that every flush window of the sink holds exactly one
 * window of the changelog: a window is emitted whole within one {@code pollNext} (no checkpoint
 * barrier can come between its changes), and the next one only after a checkpoint was taken (its
 * barrier follows the window, and the sink's writers flush at every checkpoint). After the last
 * window the input ends (the writers' final flush). Run it at parallelism 1; it takes no splits.
 *
 * <p>Each change's row is one of the event rows built once per reader, changed in place ({@code
 * event_id}, {@code user_id}, row kind) just before it is emitted: the job's shuffle to the sink's
 * bucket routing serializes it at once, and nothing keeps it.
 */
final class ChangelogSource implements Source<RowData, ChangelogSource.NoSplit, Integer> {

    /** Changes emitted so far by the running job (it runs in this JVM), a window at a time. */
    static final LongAdder EMITTED = new LongAdder();

    private static final long serialVersionUID = 1L;

    private final Changelog changelog;

    ChangelogSource(Changelog changelog) {
        this.changelog = changelog;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<RowData, NoSplit> createReader(SourceReaderContext context) {
        return new WindowReader(changelog);
    }

    @Override
    public SplitEnumerator<NoSplit, Integer> createEnumerator(
            SplitEnumeratorContext<NoSplit> context) {
        return new NoSplits();
    }

    @Override
    public SplitEnumerator<NoSplit, Integer> restoreEnumerator(
            SplitEnumeratorContext<NoSplit> context, Integer checkpoint) {
        return new NoSplits();
    }

    @Override
    public SimpleVersionedSerializer<NoSplit> getSplitSerializer() {
        return new Empty<>(new NoSplit());
    }

    @Override
    public SimpleVersionedSerializer<Integer> getEnumeratorCheckpointSerializer() {
        return new Empty<>(0);
    }

    /** Emits the windows; waits for a checkpoint between two. */
    private static final class WindowReader implements SourceReader<RowData, NoSplit> {

        private final Changelog changelog;
        private EventRowData rows;
        private int window;

        /** Completed once a checkpoint follows the last window emitted. */
        private CompletableFuture<Void> checkpointed = CompletableFuture.completedFuture(null);

        WindowReader(Changelog changelog) {
            this.changelog = changelog;
        }

        @Override
        public void start() {
            rows = EventRowData.generate(Changelog.POOL);
        }

        @Override
        public InputStatus pollNext(ReaderOutput<RowData> output) {
            if (window >= changelog.windows) {
                return InputStatus.END_OF_INPUT;
            }
            if (!checkpointed.isDone()) {
                return InputStatus.NOTHING_AVAILABLE;
            }
            long first = window * changelog.windowChanges();
            long end = first + changelog.windowChanges();
            for (long i = first; i < end; i++) {
                BinaryRowData row = (BinaryRowData) rows.row(Changelog.poolRow(i));
                row.setLong(0, changelog.keyOf(i));
                row.setLong(1, i);
                row.setRowKind(changelog.kindOf(i));
                output.collect(row);
            }
            window++;
            EMITTED.add(end - first);
            if (window >= changelog.windows) {
                return InputStatus.END_OF_INPUT;
            }
            checkpointed = new CompletableFuture<>();
            return InputStatus.NOTHING_AVAILABLE;
        }

        @Override
        public List<NoSplit> snapshotState(long checkpointId) {
            // the barrier of this checkpoint follows every change emitted so far
            checkpointed.complete(null);
            return List.of();
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return checkpointed;
        }

        @Override
        public void addSplits(List<NoSplit> splits) {}

        @Override
        public void notifyNoMoreSplits() {}

        @Override
        public void close() {}
    }

    /** The enumerator of a source without splits. */
    private static final class NoSplits implements SplitEnumerator<NoSplit, Integer> {
        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {}

        @Override
        public void addSplitsBack(List<NoSplit> splits, int subtaskId) {}

        @Override
        public void addReader(int subtaskId) {}

        @Override
        public Integer snapshotState(long checkpointId) {
            return 0;
        }

        @Override
        public void close() {}
    }

    /** Never created: the reader generates the whole changelog itself. */
    static final class NoSplit implements SourceSplit {
        @Override
        public String splitId() {
            return "changelog";
        }
    }

    /** Serializes nothing; deserializes to a fixed value. */
    private static final class Empty<T> implements SimpleVersionedSerializer<T> {
        private final T value;

        Empty(T value) {
            this.value = value;
        }

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(T obj) {
            return new byte[0];
        }

        @Override
        public T deserialize(int version, byte[] serialized) {
            return value;
        }
    }
}
