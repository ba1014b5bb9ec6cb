package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.OdpsType;
import io.github.mctunnel.client.schema.TypeInfo;

import org.apache.flink.annotation.Internal;
import org.apache.flink.core.memory.MemorySegment;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.data.binary.BinaryStringData;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the fields of Flink {@link RowData} into a record ({@link RecordFieldWriter}) without an
 * intermediate {@code Object[]}: numbers unboxed, strings as the UTF-8 bytes {@link
 * BinaryStringData} holds (no {@code String}), decimals of up to 18 digits as their unscaled {@code
 * long}, timestamps as numbers. Type pairs that need a conversion with its own checks (VARCHAR/CHAR
 * lengths, decimal rescaling, zone conversion, nested types) go through the same converters as
 * {@link RowDataToRecordConverter}, so values and messages are the same on both paths.
 *
 * <p>Built once per schema; each column takes the row field of the same name, case-insensitively.
 */
@Internal
public final class RowDataRecordWriter {

    private static final byte FALLBACK = 0;
    private static final byte BIGINT_FROM_BIGINT = 1;
    private static final byte BIGINT_FROM_INT = 2;
    private static final byte BIGINT_FROM_SMALLINT = 3;
    private static final byte BIGINT_FROM_TINYINT = 4;
    private static final byte INT_FROM_INT = 5;
    private static final byte INT_FROM_SMALLINT = 6;
    private static final byte INT_FROM_TINYINT = 7;
    private static final byte SMALLINT = 8;
    private static final byte TINYINT = 9;
    private static final byte BOOLEAN = 10;
    private static final byte FLOAT = 11;
    private static final byte DOUBLE_FROM_DOUBLE = 12;
    private static final byte DOUBLE_FROM_FLOAT = 13;
    private static final byte TEXT = 14;
    private static final byte BYTES = 15;
    private static final byte COMPACT_DECIMAL = 16;
    private static final byte DECIMAL = 17;
    private static final byte DATE = 18;
    private static final byte DATETIME_FROM_LTZ = 19;
    private static final byte TIMESTAMP_FROM_LTZ = 20;
    private static final byte NTZ_FROM_TIMESTAMP = 21;
    private static final byte TEXT_OF_LENGTH = 22;

    /** The length bits of a string stored in a binary row's fixed part. */
    private static final long INLINE_LENGTH_BITS = 0x7F00000000000000L;

    private static final boolean LITTLE_ENDIAN =
            java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    private final String[] names;
    private final int[] positions;
    private final byte[] codes;
    private final int[] precisions;
    private final int[] scales;
    private final TypeInfo[] targets;
    private final boolean[] notNull;
    private final RowData.FieldGetter[] getters;
    private final ToTunnelValue[] converters;

    private RowDataRecordWriter(int n) {
        names = new String[n];
        positions = new int[n];
        codes = new byte[n];
        precisions = new int[n];
        scales = new int[n];
        targets = new TypeInfo[n];
        notNull = new boolean[n];
        getters = new RowData.FieldGetter[n];
        converters = new ToTunnelValue[n];
    }

    /**
     * The writer of rows of {@code rowType} into records whose fields are {@code columns}.
     *
     * @param zone the time zone of {@code TIMESTAMP} (no zone) fields written to {@code DATETIME}
     *     or {@code TIMESTAMP} columns, or null to refuse them
     * @throws IllegalArgumentException when a column has no field of its name in the row type, or
     *     when a field's type cannot be written to its column's type; the message names the column
     */
    public static RowDataRecordWriter create(RowType rowType, List<Column> columns, ZoneId zone) {
        Map<String, Integer> fieldIndex = new HashMap<>();
        List<String> fieldNames = rowType.getFieldNames();
        for (int i = 0; i < fieldNames.size(); i++) {
            fieldIndex.putIfAbsent(fieldNames.get(i).toLowerCase(Locale.ROOT), i);
        }
        RowDataRecordWriter w = new RowDataRecordWriter(columns.size());
        for (int c = 0; c < columns.size(); c++) {
            Column column = columns.get(c);
            Integer field = fieldIndex.get(column.name().toLowerCase(Locale.ROOT));
            if (field == null) {
                throw new IllegalArgumentException(
                        "Column '"
                                + column.name()
                                + "' of the table has no field in the row type "
                                + new ArrayList<>(fieldNames));
            }
            LogicalType from = rowType.getTypeAt(field);
            // checks the pair (and builds the converter the uncommon pairs take)
            w.converters[c] = ToTunnelValue.create(column.name(), from, column.type(), zone);
            w.getters[c] = RowData.createFieldGetter(from, field);
            w.names[c] = column.name();
            w.positions[c] = field;
            w.notNull[c] = !column.nullable();
            w.codes[c] = code(from, column.type());
            w.targets[c] = column.type();
            if (from instanceof DecimalType d) {
                w.precisions[c] = d.getPrecision();
                w.scales[c] = d.getScale();
            } else if (from instanceof LocalZonedTimestampType t) {
                w.precisions[c] = t.getPrecision();
            } else if (from instanceof TimestampType t) {
                w.precisions[c] = t.getPrecision();
            }
        }
        return w;
    }

    private static byte code(LogicalType from, TypeInfo to) {
        LogicalTypeRoot root = from.getTypeRoot();
        OdpsType target = to.type();
        switch (target) {
            case BIGINT:
                return switch (root) {
                    case BIGINT -> BIGINT_FROM_BIGINT;
                    case INTEGER -> BIGINT_FROM_INT;
                    case SMALLINT -> BIGINT_FROM_SMALLINT;
                    case TINYINT -> BIGINT_FROM_TINYINT;
                    default -> FALLBACK;
                };
            case INT:
                return switch (root) {
                    case INTEGER -> INT_FROM_INT;
                    case SMALLINT -> INT_FROM_SMALLINT;
                    case TINYINT -> INT_FROM_TINYINT;
                    default -> FALLBACK;
                };
            case SMALLINT:
                return root == LogicalTypeRoot.SMALLINT ? SMALLINT : FALLBACK;
            case TINYINT:
                return root == LogicalTypeRoot.TINYINT ? TINYINT : FALLBACK;
            case BOOLEAN:
                return root == LogicalTypeRoot.BOOLEAN ? BOOLEAN : FALLBACK;
            case FLOAT:
                return root == LogicalTypeRoot.FLOAT ? FLOAT : FALLBACK;
            case DOUBLE:
                return root == LogicalTypeRoot.DOUBLE
                        ? DOUBLE_FROM_DOUBLE
                        : root == LogicalTypeRoot.FLOAT ? DOUBLE_FROM_FLOAT : FALLBACK;
            case VARCHAR:
            case CHAR:
                return root == LogicalTypeRoot.CHAR || root == LogicalTypeRoot.VARCHAR
                        ? TEXT_OF_LENGTH
                        : FALLBACK;
            case JSON:
                // the converter's String keeps malformed UTF-8 out of JSON, as before
                return FALLBACK;
            case STRING:
                if (root == LogicalTypeRoot.CHAR || root == LogicalTypeRoot.VARCHAR) {
                    // STRING takes the bytes as they are (as the converters' toBytes() did)
                    return TEXT;
                }
                return target == OdpsType.STRING
                                && (root == LogicalTypeRoot.BINARY
                                        || root == LogicalTypeRoot.VARBINARY)
                        ? BYTES
                        : FALLBACK;
            case BINARY:
                return root == LogicalTypeRoot.BINARY || root == LogicalTypeRoot.VARBINARY
                        ? BYTES
                        : FALLBACK;
            case DECIMAL:
                if (from instanceof DecimalType d
                        && d.getScale() == to.scale()
                        && d.getPrecision() - d.getScale() <= to.precision() - to.scale()) {
                    return DecimalData.isCompact(d.getPrecision()) ? COMPACT_DECIMAL : DECIMAL;
                }
                return FALLBACK;
            case DATE:
                return root == LogicalTypeRoot.DATE ? DATE : FALLBACK;
            case DATETIME:
                return root == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE
                        ? DATETIME_FROM_LTZ
                        : FALLBACK;
            case TIMESTAMP:
                return root == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE
                        ? TIMESTAMP_FROM_LTZ
                        : FALLBACK;
            case TIMESTAMP_NTZ:
                return root == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE
                        ? NTZ_FROM_TIMESTAMP
                        : FALLBACK;
            default:
                return FALLBACK;
        }
    }

    /** Number of fields {@link #write} sets. */
    public int columnCount() {
        return codes.length;
    }

    /**
     * Sets fields {@code 0 .. columnCount()-1} of {@code out} from {@code row} (NULL fields are
     * left unset, i.e. NULL).
     *
     * @throws ValueConversionException naming the column and value that do not fit, or a NOT NULL
     *     column whose value is NULL
     */
    public void write(RowData row, RecordFieldWriter out) {
        boolean binary = row instanceof BinaryRowData;
        // a binary row in one heap segment: strings are read in place, without a StringData each
        MemorySegment segment = null;
        byte[] memory = null;
        int fields = 0;
        if (binary) {
            BinaryRowData b = (BinaryRowData) row;
            MemorySegment[] segments = b.getSegments();
            if (segments.length == 1 && !segments[0].isOffHeap()) {
                segment = segments[0];
                memory = segment.getArray();
                fields = b.getOffset() + BinaryRowData.calculateBitSetWidthInBytes(b.getArity());
            }
        }
        for (int c = 0; c < codes.length; c++) {
            int pos = positions[c];
            if (row.isNullAt(pos)) {
                if (notNull[c]) {
                    throw new ValueConversionException(
                            names[c],
                            "Column '" + names[c] + "' is NOT NULL, but the value is NULL");
                }
                out.setNull(c);
                continue;
            }
            switch (codes[c]) {
                case BIGINT_FROM_BIGINT -> out.setBigint(c, row.getLong(pos));
                case BIGINT_FROM_INT -> out.setBigint(c, row.getInt(pos));
                case BIGINT_FROM_SMALLINT -> out.setBigint(c, row.getShort(pos));
                case BIGINT_FROM_TINYINT -> out.setBigint(c, row.getByte(pos));
                case INT_FROM_INT -> out.setInt(c, row.getInt(pos));
                case INT_FROM_SMALLINT -> out.setInt(c, row.getShort(pos));
                case INT_FROM_TINYINT -> out.setInt(c, row.getByte(pos));
                case SMALLINT -> out.setSmallint(c, row.getShort(pos));
                case TINYINT -> out.setTinyint(c, row.getByte(pos));
                case BOOLEAN -> out.setBoolean(c, row.getBoolean(pos));
                case FLOAT -> out.setFloat(c, row.getFloat(pos));
                case DOUBLE_FROM_DOUBLE -> out.setDouble(c, row.getDouble(pos));
                case DOUBLE_FROM_FLOAT -> out.setDouble(c, row.getFloat(pos));
                case TEXT -> {
                    if (memory != null) {
                        textInPlace((BinaryRowData) row, memory, fields, pos, out, c);
                    } else {
                        text(row.getString(pos), out, c);
                    }
                }
                case TEXT_OF_LENGTH -> {
                    // well-formed text within the length goes as it is; anything else takes the
                    // converter, whose String (and message) the codec always had
                    byte[] utf8;
                    int offset;
                    int length;
                    if (memory != null) {
                        long offsetAndLength = row.getLong(pos);
                        utf8 = memory;
                        offset = offsetInPlace((BinaryRowData) row, offsetAndLength, fields, pos);
                        length = lengthInPlace(offsetAndLength);
                    } else {
                        StringData s = row.getString(pos);
                        if (s instanceof BinaryStringData b
                                && b.getSegments().length == 1
                                && !b.getSegments()[0].isOffHeap()) {
                            utf8 = b.getSegments()[0].getArray();
                            offset = b.getOffset();
                            length = b.getSizeInBytes();
                        } else {
                            utf8 = s.toBytes();
                            offset = 0;
                            length = utf8.length;
                        }
                    }
                    int chars = Utf8.codePoints(utf8, offset, length);
                    if (chars >= 0 && chars <= targets[c].length()) {
                        out.setString(c, utf8, offset, length);
                    } else {
                        out.setValue(c, converters[c].convert(getters[c].getFieldOrNull(row)));
                    }
                }
                case BYTES -> {
                    byte[] b = row.getBinary(pos);
                    out.setBinary(c, b, 0, b.length);
                }
                case COMPACT_DECIMAL -> {
                    if (binary) {
                        // a compact decimal is its unscaled long in the row's fixed part
                        out.setDecimal(c, row.getLong(pos), scales[c]);
                    } else {
                        DecimalData d = row.getDecimal(pos, precisions[c], scales[c]);
                        if (d.isCompact()) {
                            out.setDecimal(c, d.toUnscaledLong(), d.scale());
                        } else {
                            out.setDecimal(c, d.toBigDecimal());
                        }
                    }
                }
                case DECIMAL ->
                        out.setDecimal(
                                c, row.getDecimal(pos, precisions[c], scales[c]).toBigDecimal());
                case DATE -> out.setDate(c, row.getInt(pos));
                case DATETIME_FROM_LTZ -> out.setDatetime(c, millis(row, pos, c, binary));
                case TIMESTAMP_FROM_LTZ, NTZ_FROM_TIMESTAMP -> {
                    long millis;
                    int nanoOfMilli;
                    if (binary && TimestampData.isCompact(precisions[c])) {
                        millis = row.getLong(pos);
                        nanoOfMilli = 0;
                    } else if (segment != null) {
                        // the fixed part holds the offset of the millis and the nanos of the milli
                        long offsetAndNanos = row.getLong(pos);
                        millis =
                                segment.getLong(
                                        ((BinaryRowData) row).getOffset()
                                                + (int) (offsetAndNanos >> 32));
                        nanoOfMilli = (int) offsetAndNanos;
                    } else {
                        TimestampData t = row.getTimestamp(pos, precisions[c]);
                        millis = t.getMillisecond();
                        nanoOfMilli = t.getNanoOfMillisecond();
                    }
                    long seconds = Math.floorDiv(millis, 1000);
                    int nanos = (int) Math.floorMod(millis, 1000) * 1_000_000 + nanoOfMilli;
                    if (codes[c] == TIMESTAMP_FROM_LTZ) {
                        out.setTimestamp(c, seconds, nanos);
                    } else {
                        out.setTimestampNtz(c, seconds, nanos);
                    }
                }
                default -> out.setValue(c, converters[c].convert(getters[c].getFieldOrNull(row)));
            }
        }
    }

    private long millis(RowData row, int pos, int c, boolean binary) {
        if (binary && TimestampData.isCompact(precisions[c])) {
            // a compact timestamp is its epoch milliseconds in the row's fixed part
            return row.getLong(pos);
        }
        return row.getTimestamp(pos, precisions[c]).getMillisecond();
    }

    /**
     * A string field of a binary row whose memory is one heap array: the fixed part holds the
     * string's offset (from the row's start) and length, or, for up to 7 bytes, the bytes
     * themselves and the length in the top byte ({@code BinarySegmentUtils.readStringData}).
     */
    private static void textInPlace(
            BinaryRowData row, byte[] memory, int fields, int pos, RecordFieldWriter out, int c) {
        long offsetAndLength = row.getLong(pos);
        out.setString(
                c,
                memory,
                offsetInPlace(row, offsetAndLength, fields, pos),
                lengthInPlace(offsetAndLength));
    }

    private static int offsetInPlace(BinaryRowData row, long offsetAndLength, int fields, int pos) {
        if (offsetAndLength >= 0) {
            return row.getOffset() + (int) (offsetAndLength >>> 32);
        }
        // the bytes sit in the low bytes of the little-endian long, after them on big-endian
        int fieldOffset = fields + (pos << 3);
        return LITTLE_ENDIAN ? fieldOffset : fieldOffset + 1;
    }

    private static int lengthInPlace(long offsetAndLength) {
        return offsetAndLength >= 0
                ? (int) offsetAndLength
                : (int) ((offsetAndLength & INLINE_LENGTH_BITS) >>> 56);
    }

    /** The UTF-8 bytes of a string, from the row's memory when it is on the heap in one piece. */
    private static void text(StringData s, RecordFieldWriter out, int c) {
        if (s instanceof BinaryStringData b) {
            var segments = b.getSegments();
            if (segments.length == 1 && !segments[0].isOffHeap()) {
                out.setString(c, segments[0].getArray(), b.getOffset(), b.getSizeInBytes());
                return;
            }
        }
        byte[] utf8 = s.toBytes();
        out.setString(c, utf8, 0, utf8.length);
    }
}
