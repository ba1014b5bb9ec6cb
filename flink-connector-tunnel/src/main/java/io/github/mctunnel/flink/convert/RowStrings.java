package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.codec.RecordView;

import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.core.memory.MemorySegmentFactory;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.binary.BinaryStringData;

import java.util.Arrays;

/**
 * The character columns of one row as {@link BinaryStringData} over a single copy of their UTF-8
 * bytes: the view keeps a record's byte payloads side by side in one array, so one copy of that
 * span and one memory segment serve every string of the row (instead of an array, a segment and a
 * segment array per string). A view whose strings are in separate arrays gets a copy per string.
 * Not thread-safe; {@link #start} begins each row.
 */
final class RowStrings {

    private final int[] columns;
    private RecordView record;
    private MemorySegment[] segments;
    private int base;
    private boolean perString;

    /**
     * @param columns the indexes of the row's character columns
     */
    RowStrings(int[] columns) {
        this.columns = columns;
    }

    /** Begins a row: its strings are copied when the first is read. */
    void start(RecordView record) {
        this.record = record;
        this.segments = null;
        this.perString = false;
    }

    /** The non-null character column {@code column} of the row begun last. */
    StringData get(RecordView r, int column) {
        if (r != record) {
            start(r);
        }
        if (segments == null && !perString) {
            copy(r);
        }
        int offset = r.bytesOffset(column);
        int length = r.bytesLength(column);
        if (perString) {
            return BinaryStringData.fromBytes(
                    Arrays.copyOfRange(r.bytesArray(column), offset, offset + length));
        }
        return BinaryStringData.fromAddress(segments, offset - base, length);
    }

    /** Copies the span of the row's character bytes, if they share one array. */
    private void copy(RecordView r) {
        byte[] shared = null;
        int low = Integer.MAX_VALUE;
        int high = 0;
        for (int c : columns) {
            if (r.isNull(c)) {
                continue;
            }
            byte[] array = r.bytesArray(c);
            if (shared == null) {
                shared = array;
            } else if (array != shared) {
                perString = true;
                return;
            }
            int offset = r.bytesOffset(c);
            low = Math.min(low, offset);
            high = Math.max(high, offset + r.bytesLength(c));
        }
        base = low;
        segments =
                new MemorySegment[] {
                    MemorySegmentFactory.wrap(Arrays.copyOfRange(shared, low, high))
                };
    }
}
