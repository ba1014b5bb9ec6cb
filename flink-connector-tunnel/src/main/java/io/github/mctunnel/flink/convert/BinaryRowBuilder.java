package io.github.mctunnel.flink.convert;

import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.core.memory.MemorySegmentFactory;
import org.apache.flink.table.data.binary.BinaryRowData;

/**
 * Writes one {@link BinaryRowData} of a fixed arity into a new array of exactly the row's size,
 * laid out byte for byte as Flink's {@code BinaryRowWriter} (flink-table-runtime) lays it out for a
 * fresh row: the header byte (RowKind INSERT) and the null bits, one 8-byte slot per field, then
 * the variable part in field write order, each piece padded to 8 bytes with zeros.
 *
 * <p>The caller sums what the fields need in the variable part ({@link #varLength}, {@link
 * #WIDE_DECIMAL_LENGTH}, {@link #WIDE_TIMESTAMP_LENGTH}), calls {@link #start} with it, writes
 * every non-null field once, marks the null ones with {@link #setNull} (a NULL takes nothing in the
 * variable part, as {@code BinaryRowWriter.setNullAt} writes it), and takes the row with {@link
 * #finish}. Not thread-safe; one row at a time.
 */
final class BinaryRowBuilder {

    /** Bytes up to this many are stored in the field's slot itself. */
    static final int MAX_INLINE_BYTES = 7;

    /** What a DECIMAL of precision over 18 takes in the variable part. */
    static final int WIDE_DECIMAL_LENGTH = 16;

    /** What a TIMESTAMP of precision over 3 takes in the variable part (its milliseconds). */
    static final int WIDE_TIMESTAMP_LENGTH = 8;

    private final int arity;
    private final int nullBitsSize;
    private final int fixedSize;

    private byte[] bytes;
    private MemorySegment segment;
    private int cursor;

    BinaryRowBuilder(int arity) {
        this.arity = arity;
        this.nullBitsSize = BinaryRowData.calculateBitSetWidthInBytes(arity);
        this.fixedSize = BinaryRowData.calculateFixPartSizeInBytes(arity);
    }

    /** What {@code length} bytes of a string or binary value take in the variable part. */
    static int varLength(int length) {
        return length <= MAX_INLINE_BYTES ? 0 : roundToWord(length);
    }

    private static int roundToWord(int length) {
        return (length + 7) & ~7;
    }

    /** Begins a row whose variable part takes {@code varLength} bytes, every field zero. */
    void start(int varLength) {
        bytes = new byte[fixedSize + varLength];
        segment = MemorySegmentFactory.wrap(bytes);
        cursor = fixedSize;
    }

    private int slot(int pos) {
        return nullBitsSize + 8 * pos;
    }

    /** Marks the field NULL (its slot stays zero). */
    void setNull(int pos) {
        int bit = pos + BinaryRowData.HEADER_SIZE_IN_BITS;
        bytes[bit >>> 3] |= (byte) (1 << (bit & 7));
    }

    void writeBoolean(int pos, boolean value) {
        segment.putBoolean(slot(pos), value);
    }

    void writeByte(int pos, byte value) {
        segment.put(slot(pos), value);
    }

    void writeShort(int pos, short value) {
        segment.putShort(slot(pos), value);
    }

    void writeInt(int pos, int value) {
        segment.putInt(slot(pos), value);
    }

    void writeLong(int pos, long value) {
        segment.putLong(slot(pos), value);
    }

    void writeFloat(int pos, float value) {
        segment.putFloat(slot(pos), value);
    }

    void writeDouble(int pos, double value) {
        segment.putDouble(slot(pos), value);
    }

    /**
     * A string's UTF-8 bytes or a binary value: up to {@link #MAX_INLINE_BYTES} in the slot, longer
     * ones in the variable part ({@link #varLength} of them).
     */
    void writeBytes(int pos, byte[] source, int offset, int length) {
        if (length <= MAX_INLINE_BYTES) {
            int slot = slot(pos);
            // as BinaryRowWriter: the data in the slot's first seven bytes of the long, the length
            // with the high bit set in its most significant byte
            int data = BinaryRowData.LITTLE_ENDIAN ? slot : slot + 1;
            System.arraycopy(source, offset, bytes, data, length);
            bytes[BinaryRowData.LITTLE_ENDIAN ? slot + 7 : slot] = (byte) (0x80 | length);
        } else {
            System.arraycopy(source, offset, bytes, cursor, length);
            setOffsetAndSize(pos, cursor, length);
            cursor += roundToWord(length);
        }
    }

    /**
     * A DECIMAL of precision over 18: its unscaled value's two's-complement bytes (at most 16, as
     * {@code DecimalData.toUnscaledBytes} gives them) in a 16-byte piece of the variable part.
     */
    void writeWideDecimal(int pos, byte[] unscaled) {
        System.arraycopy(unscaled, 0, bytes, cursor, unscaled.length);
        setOffsetAndSize(pos, cursor, unscaled.length);
        cursor += WIDE_DECIMAL_LENGTH;
    }

    /**
     * A TIMESTAMP of precision over 3: the milliseconds in the variable part, the nanos of the
     * millisecond where a variable field's size goes.
     */
    void writeWideTimestamp(int pos, long millis, int nanoOfMillisecond) {
        segment.putLong(cursor, millis);
        setOffsetAndSize(pos, cursor, nanoOfMillisecond);
        cursor += WIDE_TIMESTAMP_LENGTH;
    }

    private void setOffsetAndSize(int pos, int offset, long size) {
        segment.putLong(slot(pos), ((long) offset << 32) | size);
    }

    /**
     * The row written since {@link #start}.
     *
     * @throws IllegalStateException when the variable part written differs from the one started
     *     with (a bug in the caller's sum)
     */
    BinaryRowData finish() {
        if (cursor != bytes.length) {
            throw new IllegalStateException(
                    "Variable part of "
                            + (cursor - fixedSize)
                            + " bytes written, "
                            + (bytes.length - fixedSize)
                            + " announced");
        }
        BinaryRowData row = new BinaryRowData(arity);
        row.pointTo(segment, 0, bytes.length);
        bytes = null;
        segment = null;
        return row;
    }
}
