package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.OdpsType;
import io.github.mctunnel.client.schema.TypeInfo;

import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.data.binary.BinaryStringData;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

import static org.apache.flink.table.types.logical.utils.LogicalTypeChecks.getPrecision;
import static org.apache.flink.table.types.logical.utils.LogicalTypeChecks.getScale;

/**
 * Reads a {@link RecordView} straight into a {@link BinaryRowData} (one array of the row's exact
 * size, laid out as Flink's {@code BinaryRowWriter} does): the same values, NULLs and errors as
 * {@link RecordToRowDataConverter#convert(RecordView)} gives in a {@code GenericRowData}, without a
 * boxed or per-value object. Built once per schema by {@link #createIfSupported}, which declines
 * row types whose fields a binary row built here cannot hold as that converter does (nested types,
 * and {@code TIMESTAMP} or {@code TIMESTAMP_NTZ} columns read at a precision of 3 or less, whose
 * sub-millisecond digits the generic row keeps and a compact binary timestamp drops).
 *
 * <p>Column {@code i} goes to field {@code positions[i]}; the other fields are given per row as
 * internal values (partition values: {@code Long}, {@code Integer}, {@code Short}, {@code Byte} or
 * {@link StringData}). A row is read in two steps, {@link #read} (the columns, which may fail) and
 * {@link #build} (with the given fields). Not thread-safe.
 */
@Internal
public final class RecordToBinaryRowConverter {

    // how a field is read and written
    private static final byte BOOLEAN = 0;
    private static final byte TINYINT = 1;
    private static final byte SMALLINT = 2;
    private static final byte INT = 3;
    private static final byte DATE = 4;
    private static final byte MONTHS = 5;
    private static final byte BIGINT = 6;
    private static final byte DAY_TIME_MILLIS = 7;
    private static final byte FLOAT = 8;
    private static final byte DOUBLE = 9;
    private static final byte STRING = 10;
    private static final byte BINARY = 11;
    private static final byte DECIMAL = 12;
    private static final byte WIDE_DECIMAL = 13;
    private static final byte EPOCH_MILLIS = 14;
    private static final byte SECONDS_AND_NANOS = 15;
    private static final byte TIMESTAMP_VALUE = 16;
    private static final byte GIVEN = 17;

    /** What no caller gives: the given fields are encoded at the first {@link #build}. */
    private static final Object[] NOT_ENCODED = new Object[0];

    private final int[] positions;
    private final String[] columnNames;
    private final TypeInfo[] columnTypes;
    private final boolean[] notNull;

    /** Per field: how it is read and written. */
    private final byte[] kinds;

    /** Per field: the timestamp kinds' precision fits the slot. */
    private final boolean[] compact;

    /** Per compact DECIMAL field: 10 to its precision, and its scale. */
    private final long[] bounds;

    private final int[] scales;

    /** Per field read through {@code ViewToFlinkValue} (decimals, zoned timestamps), the reader. */
    private final ViewToFlinkValue[] readers;

    /** Per given field, its type's root. */
    private final LogicalTypeRoot[] givenRoots;

    private final BinaryRowBuilder builder;

    // the row read last, per field
    private final boolean[] nulls;
    private final long[] words;
    private final int[] ints;
    private final byte[][] arrays;
    private final int[] offsets;
    private int varLength;

    // the given fields encoded last
    private Object[] lastGiven = NOT_ENCODED;
    private final long[] givenWords;
    private final byte[][] givenArrays;
    private int givenVarLength;

    private RecordToBinaryRowConverter(
            RowType rowType, List<Column> columns, int[] positions, ZoneId zone) {
        int arity = rowType.getFieldCount();
        this.positions = Arrays.copyOf(positions, columns.size());
        this.columnNames = columns.stream().map(Column::name).toArray(String[]::new);
        this.columnTypes = columns.stream().map(Column::type).toArray(TypeInfo[]::new);
        this.notNull = new boolean[columns.size()];
        this.kinds = new byte[arity];
        this.compact = new boolean[arity];
        this.bounds = new long[arity];
        this.scales = new int[arity];
        this.readers = new ViewToFlinkValue[arity];
        this.givenRoots = new LogicalTypeRoot[arity];
        Arrays.fill(kinds, GIVEN);
        for (int i = 0; i < columns.size(); i++) {
            int f = positions[i];
            LogicalType type = rowType.getTypeAt(f);
            byte kind = kindOf(columnTypes[i], type);
            kinds[f] = kind;
            notNull[i] = !type.isNullable();
            compact[f] = !isTimestamp(type) || TimestampData.isCompact(getPrecision(type));
            if (kind == DECIMAL) {
                bounds[f] = ViewToFlinkValue.pow10(getPrecision(type));
                scales[f] = getScale(type);
            }
            if (kind == DECIMAL || kind == WIDE_DECIMAL || kind == TIMESTAMP_VALUE) {
                readers[f] =
                        ViewToFlinkValue.create(columnNames[i], columnTypes[i], type, zone, null);
            }
        }
        for (int f = 0; f < arity; f++) {
            if (kinds[f] == GIVEN) {
                givenRoots[f] = rowType.getTypeAt(f).getTypeRoot();
            }
        }
        this.builder = new BinaryRowBuilder(arity);
        this.nulls = new boolean[arity];
        this.words = new long[arity];
        this.ints = new int[arity];
        this.arrays = new byte[arity][];
        this.offsets = new int[arity];
        this.givenWords = new long[arity];
        this.givenArrays = new byte[arity][];
    }

    /**
     * The converter reading {@code columns} into rows of {@code rowType}, column {@code i} into
     * field {@code positions[i]}, or null when some field cannot be built here as {@link
     * RecordToRowDataConverter} builds it (then that converter serves the table). The other fields
     * must be given ({@link #build}) and of type BIGINT, INT, SMALLINT, TINYINT, CHAR or VARCHAR.
     *
     * @param zone as for {@link RecordToRowDataConverter#create(List, RowType, ZoneId)}
     * @throws IllegalArgumentException when a column cannot be read as its field's type (as {@link
     *     RecordToRowDataConverter#create(List, RowType, ZoneId)} throws it)
     */
    public static RecordToBinaryRowConverter createIfSupported(
            List<Column> columns, RowType rowType, int[] positions, ZoneId zone) {
        boolean[] taken = new boolean[rowType.getFieldCount()];
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            LogicalType type = rowType.getTypeAt(positions[i]);
            TunnelTypeMapping.checkReadable(c.name(), c.type(), type, zone);
            if (kindOf(c.type(), type) < 0) {
                return null;
            }
            taken[positions[i]] = true;
        }
        for (int f = 0; f < taken.length; f++) {
            if (!taken[f]) {
                switch (rowType.getTypeAt(f).getTypeRoot()) {
                    case BIGINT, INTEGER, SMALLINT, TINYINT, CHAR, VARCHAR -> {}
                    default -> {
                        return null;
                    }
                }
            }
        }
        return new RecordToBinaryRowConverter(rowType, columns, positions, zone);
    }

    /**
     * Reads a record's columns for the next {@link #build}; the record may move on after that.
     *
     * @throws ValueConversionException naming the column and value that cannot be read, as {@link
     *     RecordToRowDataConverter#convert(RecordView)} throws it
     */
    public void read(RecordView record) {
        varLength = 0;
        int i = 0;
        try {
            for (; i < positions.length; i++) {
                int f = positions[i];
                if (record.isNull(i)) {
                    if (notNull[i]) {
                        throw notNullViolated(i);
                    }
                    nulls[f] = true;
                } else {
                    nulls[f] = false;
                    readValue(record, i, f);
                }
            }
        } catch (IllegalStateException
                | ClassCastException
                | ArithmeticException
                | java.time.DateTimeException e) {
            throw ViewToFlinkValue.failed(columnNames[i], columnTypes[i], record, i, e);
        }
    }

    /** Reads non-null column {@code c} into field {@code f}'s scratch slots. */
    private void readValue(RecordView r, int c, int f) {
        switch (kinds[f]) {
            case BOOLEAN -> words[f] = r.getBoolean(c) ? 1 : 0;
            case TINYINT -> words[f] = r.getByte(c);
            case SMALLINT -> words[f] = r.getShort(c);
            case INT -> words[f] = r.getInt(c);
            case DATE -> words[f] = (int) r.getEpochDay(c);
            case MONTHS -> words[f] = r.getMonths(c);
            case BIGINT -> words[f] = r.getLong(c);
            case DAY_TIME_MILLIS ->
                    words[f] = Duration.ofSeconds(r.getSeconds(c), r.getNanos(c)).toMillis();
            case FLOAT -> words[f] = Float.floatToRawIntBits(r.getFloat(c));
            case DOUBLE -> words[f] = Double.doubleToRawLongBits(r.getDouble(c));
            case STRING -> readString(r, c, f);
            case BINARY -> {
                arrays[f] = r.bytesArray(c);
                offsets[f] = r.bytesOffset(c);
                ints[f] = r.bytesLength(c);
                varLength += BinaryRowBuilder.varLength(ints[f]);
            }
            case DECIMAL -> {
                long unscaled = ViewToFlinkValue.rescaledCompact(r, c, bounds[f], scales[f]);
                words[f] =
                        unscaled != ViewToFlinkValue.NOT_RESCALED
                                ? unscaled
                                : ((DecimalData) readers[f].read(r, c)).toUnscaledLong();
            }
            case WIDE_DECIMAL -> {
                arrays[f] = ((DecimalData) readers[f].read(r, c)).toUnscaledBytes();
                varLength += BinaryRowBuilder.WIDE_DECIMAL_LENGTH;
            }
            case EPOCH_MILLIS -> readTimestamp(f, r.getEpochMillis(c), 0);
            case SECONDS_AND_NANOS -> {
                // as TimestampData.fromInstant
                long seconds = r.getSeconds(c);
                int nanos = r.getNanos(c);
                readTimestamp(f, seconds * 1_000 + nanos / 1_000_000, nanos % 1_000_000);
            }
            case TIMESTAMP_VALUE -> {
                TimestampData t = (TimestampData) readers[f].read(r, c);
                readTimestamp(f, t.getMillisecond(), t.getNanoOfMillisecond());
            }
            default -> throw new IllegalStateException("Field " + f + " is not read");
        }
    }

    /** A string's UTF-8 bytes as they are, or as decoded with replacement when malformed. */
    private void readString(RecordView r, int c, int f) {
        byte[] array = r.bytesArray(c);
        int offset = r.bytesOffset(c);
        int length = r.bytesLength(c);
        if (Utf8.codePoints(array, offset, length) < 0) {
            // what StringData.fromString(new String(bytes, UTF_8)) holds
            array =
                    new String(array, offset, length, StandardCharsets.UTF_8)
                            .getBytes(StandardCharsets.UTF_8);
            offset = 0;
            length = array.length;
        }
        arrays[f] = array;
        offsets[f] = offset;
        ints[f] = length;
        varLength += BinaryRowBuilder.varLength(length);
    }

    private void readTimestamp(int f, long millis, int nanoOfMillisecond) {
        words[f] = millis;
        ints[f] = nanoOfMillisecond;
        if (!compact[f]) {
            varLength += BinaryRowBuilder.WIDE_TIMESTAMP_LENGTH;
        }
    }

    private ValueConversionException notNullViolated(int column) {
        return new ValueConversionException(
                columnNames[column],
                "Column '"
                        + columnNames[column]
                        + "' is read as a NOT NULL field, but the value is NULL");
    }

    /**
     * The row of the record {@link #read} last, with the given fields.
     *
     * @param given per field not read from a column, its internal value ({@code Long}, {@code
     *     Integer}, {@code Short}, {@code Byte} or {@link StringData} as the field's type, or null
     *     for NULL); null when every field is read. Encoded once per array instance: pass the same
     *     array again (unchanged) for the same values.
     */
    public BinaryRowData build(Object[] given) {
        if (given != lastGiven) {
            encodeGiven(given);
        }
        builder.start(varLength + givenVarLength);
        for (int f = 0; f < kinds.length; f++) {
            if (nulls[f]) {
                builder.setNull(f);
                continue;
            }
            switch (kinds[f]) {
                case BOOLEAN -> builder.writeBoolean(f, words[f] != 0);
                case TINYINT -> builder.writeByte(f, (byte) words[f]);
                case SMALLINT -> builder.writeShort(f, (short) words[f]);
                // a FLOAT or DOUBLE as its raw bits: what writeFloat and writeDouble store
                case INT, DATE, MONTHS, FLOAT -> builder.writeInt(f, (int) words[f]);
                case BIGINT, DAY_TIME_MILLIS, DECIMAL, DOUBLE -> builder.writeLong(f, words[f]);
                case STRING, BINARY -> builder.writeBytes(f, arrays[f], offsets[f], ints[f]);
                case WIDE_DECIMAL -> builder.writeWideDecimal(f, arrays[f]);
                case EPOCH_MILLIS, SECONDS_AND_NANOS, TIMESTAMP_VALUE -> {
                    if (compact[f]) {
                        builder.writeLong(f, words[f]);
                    } else {
                        builder.writeWideTimestamp(f, words[f], ints[f]);
                    }
                }
                default -> writeGiven(f);
            }
        }
        return builder.finish();
    }

    private void writeGiven(int f) {
        switch (givenRoots[f]) {
            case BIGINT -> builder.writeLong(f, givenWords[f]);
            case INTEGER -> builder.writeInt(f, (int) givenWords[f]);
            case SMALLINT -> builder.writeShort(f, (short) givenWords[f]);
            case TINYINT -> builder.writeByte(f, (byte) givenWords[f]);
            default -> builder.writeBytes(f, givenArrays[f], 0, givenArrays[f].length);
        }
    }

    /** Keeps the given fields' values (and NULLs) in the form {@link #build} writes them. */
    private void encodeGiven(Object[] given) {
        givenVarLength = 0;
        for (int f = 0; f < kinds.length; f++) {
            if (kinds[f] != GIVEN) {
                continue;
            }
            Object v = given == null ? null : given[f];
            nulls[f] = v == null;
            if (v == null) {
                continue;
            }
            switch (givenRoots[f]) {
                case BIGINT, INTEGER, SMALLINT, TINYINT -> givenWords[f] = ((Number) v).longValue();
                default -> {
                    givenArrays[f] = ((BinaryStringData) v).toBytes();
                    givenVarLength += BinaryRowBuilder.varLength(givenArrays[f].length);
                }
            }
        }
        lastGiven = given;
    }

    /**
     * How a column of type {@code from} read as {@code to} (a readable pair) is built, -1 when not
     * here.
     */
    private static byte kindOf(TypeInfo from, LogicalType to) {
        switch (from.type()) {
            case BOOLEAN:
                return BOOLEAN;
            case TINYINT:
                return TINYINT;
            case SMALLINT:
                return SMALLINT;
            case INT:
                return INT;
            case DATE:
                return DATE;
            case INTERVAL_YEAR_MONTH:
                return MONTHS;
            case BIGINT:
                return BIGINT;
            case INTERVAL_DAY_TIME:
                return DAY_TIME_MILLIS;
            case FLOAT:
                return FLOAT;
            case DOUBLE:
                return DOUBLE;
            case STRING:
            case VARCHAR:
            case CHAR:
            case JSON:
                return STRING;
            case BINARY:
                return BINARY;
            case DECIMAL:
                return DecimalData.isCompact(((DecimalType) to).getPrecision())
                        ? DECIMAL
                        : WIDE_DECIMAL;
            case DATETIME:
                // whole milliseconds: the slot holds them at any precision
                return to.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE
                        ? TIMESTAMP_VALUE
                        : EPOCH_MILLIS;
            case TIMESTAMP:
            case TIMESTAMP_NTZ:
                if (TimestampData.isCompact(getPrecision(to))) {
                    // the generic row keeps the nanos a compact binary timestamp drops
                    return -1;
                }
                return from.type() == OdpsType.TIMESTAMP
                                && to.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE
                        ? TIMESTAMP_VALUE
                        : SECONDS_AND_NANOS;
            default:
                return -1;
        }
    }

    private static boolean isTimestamp(LogicalType type) {
        return type.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE
                || type.getTypeRoot() == LogicalTypeRoot.TIMESTAMP_WITH_LOCAL_TIME_ZONE;
    }
}
