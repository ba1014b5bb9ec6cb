package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.codec.RecordView;

import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.core.memory.MemorySegmentFactory;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.binary.BinaryStringData;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The character columns of one row as {@link BinaryStringData} over a single copy of their UTF-8
 * bytes: the row's strings are copied side by side into one array (and nothing else of the record:
 * binary and nested values stay out), so one memory segment serves every string of the row (instead
 * of an array, a segment and a segment array per string). Bytes that are not well-formed UTF-8 are
 * decoded with replacement characters, as {@code new String(bytes, UTF_8)} did on the {@code
 * Object[]} path, so both paths give equal strings. Not thread-safe; {@link #start} begins each
 * row.
 */
final class RowStrings {

    private final int[] columns;

    /** Per record column, its place in {@link #columns}, -1 for other columns. */
    private final int[] slotOf;

    /** Per slot, where the column's bytes start in the row's copy (-1: NULL or malformed). */
    private final int[] offsets;

    private RecordView record;
    private MemorySegment[] segments;

    /**
     * @param columns the indexes of the row's character columns
     */
    RowStrings(int[] columns) {
        this.columns = columns;
        int max = -1;
        for (int c : columns) {
            max = Math.max(max, c);
        }
        this.slotOf = new int[max + 1];
        Arrays.fill(slotOf, -1);
        for (int i = 0; i < columns.length; i++) {
            slotOf[columns[i]] = i;
        }
        this.offsets = new int[columns.length];
    }

    /** Begins a row: its strings are copied when the first is read. */
    void start(RecordView record) {
        this.record = record;
        this.segments = null;
    }

    /** The non-null character column {@code column} of the row begun last. */
    StringData get(RecordView r, int column) {
        if (r != record) {
            start(r);
        }
        int slot = column < slotOf.length ? slotOf[column] : -1;
        if (slot < 0) {
            // not a column given at construction: a copy of its own
            return string(r.bytesArray(column), r.bytesOffset(column), r.bytesLength(column));
        }
        if (segments == null) {
            copy(r);
        }
        int offset = offsets[slot];
        if (offset < 0) {
            return string(r.bytesArray(column), r.bytesOffset(column), r.bytesLength(column));
        }
        return BinaryStringData.fromAddress(segments, offset, r.bytesLength(column));
    }

    /** A string of its own: well-formed UTF-8 as it is, anything else decoded with replacement. */
    private static StringData string(byte[] array, int offset, int length) {
        if (Utf8.codePoints(array, offset, length) < 0) {
            return StringData.fromString(new String(array, offset, length, StandardCharsets.UTF_8));
        }
        return BinaryStringData.fromBytes(Arrays.copyOfRange(array, offset, offset + length));
    }

    /** Copies the row's well-formed strings side by side into one array. */
    private void copy(RecordView r) {
        int total = 0;
        for (int i = 0; i < columns.length; i++) {
            int c = columns[i];
            offsets[i] = -1;
            if (!r.isNull(c)
                    && Utf8.codePoints(r.bytesArray(c), r.bytesOffset(c), r.bytesLength(c)) >= 0) {
                offsets[i] = total;
                total += r.bytesLength(c);
            }
        }
        byte[] packed = new byte[total];
        for (int i = 0; i < columns.length; i++) {
            if (offsets[i] >= 0) {
                int c = columns[i];
                System.arraycopy(
                        r.bytesArray(c), r.bytesOffset(c), packed, offsets[i], r.bytesLength(c));
            }
        }
        segments = new MemorySegment[] {MemorySegmentFactory.wrap(packed)};
    }
}
