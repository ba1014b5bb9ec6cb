package io.github.mctunnel.client.codec;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TypeInfo;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads one Tunnel record stream (protocol fact sheet §10) from an already decompressed input
 * stream, checking every record's CRC-32C, the record count and the stream checksum.
 *
 * <p>Java values per column type (the writer takes the same): BIGINT {@link Long}, INT {@link
 * Integer}, SMALLINT {@link Short}, TINYINT {@link Byte}, BOOLEAN {@link Boolean}, DOUBLE {@link
 * Double}, FLOAT {@link Float}, STRING {@link String} (or {@code byte[]} with {@code
 * stringsAsBytes}; the writer takes both), VARCHAR/CHAR/JSON {@link String}, BINARY {@code byte[]},
 * DECIMAL {@link BigDecimal} (a value the service sends as inf/nan reads as null, as in the SDK),
 * DATE {@link LocalDate}, DATETIME {@link Instant} (millisecond precision), TIMESTAMP {@link
 * Instant}, TIMESTAMP_NTZ {@link java.time.LocalDateTime}, INTERVAL_DAY_TIME {@link
 * java.time.Duration}, INTERVAL_YEAR_MONTH {@link java.time.Period} (normalized to years and
 * months), ARRAY {@link List}, MAP {@link Map} (a {@link LinkedHashMap} in wire order), STRUCT
 * {@link List} of the field values in declared order. NULL is {@code null} at every level.
 *
 * <p>Like the SDK's reader, a stream that ends at a record boundary without a trailer is accepted
 * unless the reader was built with {@code requireTrailer}; when the trailer is present, its count,
 * the optional metrics checksum and the stream checksum must match and nothing may follow it. Any
 * other defect throws {@link CorruptRecordStreamException} naming the record.
 *
 * <p>Not thread-safe. Does not close the input stream.
 */
public final class RecordStreamReader {

    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int NANOS_PER_SECOND = 1_000_000_000;
    private static final int MAX_PREALLOCATED_ELEMENTS = 1024;
    private static final long SECONDS_PER_DAY = 86_400;

    // the ranges of LocalDate and Instant, which the Java values of DATE, TIMESTAMP_NTZ and
    // TIMESTAMP must fit
    private static final long MIN_EPOCH_DAY = LocalDate.MIN.toEpochDay();
    private static final long MAX_EPOCH_DAY = LocalDate.MAX.toEpochDay();
    private static final long MIN_INSTANT_SECOND = Instant.MIN.getEpochSecond();
    private static final long MAX_INSTANT_SECOND = Instant.MAX.getEpochSecond();

    private final Column[] columns;
    private final boolean requireTrailer;
    private final WireInput in;
    private final RecordChecksum recordCrc = new RecordChecksum();
    private final RecordChecksum streamCrc = new RecordChecksum();
    private final DecodedRecord record;

    private long recordsRead;
    private boolean ended;
    private String metricsJson;

    /**
     * @param columns the session's data columns (or the projected columns of a download), in order
     * @param stringsAsBytes return STRING values, top-level and nested, as {@code byte[]} instead
     *     of {@link String} (lossless for data that is not UTF-8)
     */
    public RecordStreamReader(List<Column> columns, InputStream in, boolean stringsAsBytes) {
        this(columns, in, stringsAsBytes, false);
    }

    /**
     * @param requireTrailer reject a stream that ends without the trailer (the SDK's writer always
     *     writes it; the SDK's reader does not require it)
     */
    public RecordStreamReader(
            List<Column> columns, InputStream in, boolean stringsAsBytes, boolean requireTrailer) {
        Objects.requireNonNull(columns, "columns");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a record stream needs at least one column");
        }
        this.columns = columns.toArray(new Column[0]);
        this.in = new WireInput(Objects.requireNonNull(in, "in"), BUFFER_SIZE);
        this.record = new DecodedRecord(this.columns, stringsAsBytes);
        this.requireTrailer = requireTrailer;
    }

    /** Number of records returned so far. */
    public long recordsRead() {
        return recordsRead;
    }

    /** The metrics JSON the server put in the trailer, or null (before the end or when absent). */
    public String metricsJson() {
        return metricsJson;
    }

    /**
     * The next record, one value per column, or {@code null} at the end of the stream (after the
     * trailer has been checked). The values of {@link #next()}, boxed into a new array.
     *
     * @throws CorruptRecordStreamException when the stream is not valid
     */
    public Object[] read() throws IOException {
        RecordView view = next();
        return view == null ? null : view.toValues();
    }

    /**
     * Decodes the next record into this reader's {@link RecordView}, or returns {@code null} at the
     * end of the stream (after the trailer has been checked). The view is the same object every
     * time: its values are valid until the next call. Checks exactly what {@link #read()} checks
     * (it reads through this method).
     *
     * @throws CorruptRecordStreamException when the stream is not valid
     */
    public RecordView next() throws IOException {
        if (ended) {
            return null;
        }
        record.clear();
        boolean any = false;
        try {
            while (true) {
                if (in.isAtEnd()) {
                    if (any) {
                        throw corrupt("the stream ends inside the record");
                    }
                    if (requireTrailer) {
                        throw corrupt(
                                "the stream ends after "
                                        + recordsRead
                                        + " records without the trailer (record count and"
                                        + " checksum)");
                    }
                    ended = true;
                    return null;
                }
                int tag = in.readVarint32();
                int field = RecordStreamTags.fieldNumber(tag);
                if (field == RecordStreamTags.END_RECORD) {
                    int stored = in.readVarint32();
                    int computed = recordCrc.value();
                    if (stored != computed) {
                        throw corrupt(
                                "checksum mismatch: the record carries "
                                        + hex(stored)
                                        + " but its content gives "
                                        + hex(computed));
                    }
                    recordCrc.reset();
                    streamCrc.updateInt(computed);
                    recordsRead++;
                    return record;
                }
                if (field == RecordStreamTags.META_COUNT) {
                    if (any) {
                        throw corrupt("the record has no end marker before the trailer");
                    }
                    readTrailer();
                    return null;
                }
                if (field < 1 || field > columns.length) {
                    throw corrupt(
                            "unknown field number "
                                    + field
                                    + " (tag "
                                    + hex(tag)
                                    + "); the schema has "
                                    + columns.length
                                    + " columns");
                }
                int col = field - 1;
                if (record.holdsValue(col)) {
                    throw corrupt("column " + field + " appears twice");
                }
                recordCrc.updateInt(field);
                readField(col, columns[col].type());
                any = true;
            }
        } catch (EOFException e) {
            throw corrupt("the stream is truncated: " + e.getMessage(), e);
        } catch (WireInput.MalformedVarintException e) {
            throw corrupt(e.getMessage(), e);
        }
    }

    private void readTrailer() throws IOException {
        long count = in.readSInt64();
        if (count != recordsRead) {
            throw corruptTrailer(
                    "the trailer counts " + count + " records but the stream has " + recordsRead);
        }
        int field = RecordStreamTags.fieldNumber(in.readVarint32());
        if (field == RecordStreamTags.METRICS) {
            RecordChecksum metricsCrc = new RecordChecksum();
            metricsCrc.updateInt(RecordStreamTags.METRICS);
            int len = readLength();
            metricsJson = new String(in.readBytes(len, metricsCrc), StandardCharsets.UTF_8);
            field = RecordStreamTags.fieldNumber(in.readVarint32());
            if (field != RecordStreamTags.METRICS_END) {
                throw corruptTrailer("the metrics are not followed by their checksum");
            }
            int stored = in.readVarint32();
            if (stored != metricsCrc.value()) {
                throw corruptTrailer(
                        "metrics checksum mismatch: "
                                + hex(stored)
                                + " stored, "
                                + hex(metricsCrc.value())
                                + " computed");
            }
            field = RecordStreamTags.fieldNumber(in.readVarint32());
        }
        if (field != RecordStreamTags.META_CHECKSUM) {
            throw corruptTrailer("expected the stream checksum but found field number " + field);
        }
        int stored = in.readVarint32();
        if (stored != streamCrc.value()) {
            throw corruptTrailer(
                    "stream checksum mismatch: the trailer carries "
                            + hex(stored)
                            + " but the records give "
                            + hex(streamCrc.value()));
        }
        if (!in.isAtEnd()) {
            throw corruptTrailer("unexpected bytes after the trailer");
        }
        ended = true;
    }

    /**
     * Decodes one value of type {@code t} into {@code slot} of the record: scalars as primitives or
     * bytes, complex values as objects (see {@link #readValue}). A DECIMAL sent as inf/nan leaves
     * the slot NULL, as the SDK reads it.
     */
    private void readField(int slot, TypeInfo t) throws IOException {
        switch (t.type()) {
            case BIGINT:
                {
                    long v = in.readSInt64();
                    recordCrc.updateLong(v);
                    record.setLong(slot, v);
                    return;
                }
            case INT:
                {
                    long v = readIntegral();
                    if (v != (int) v) {
                        throw corrupt("INT value " + v + " is out of range");
                    }
                    record.setLong(slot, v);
                    return;
                }
            case SMALLINT:
                {
                    long v = readIntegral();
                    if (v != (short) v) {
                        throw corrupt("SMALLINT value " + v + " is out of range");
                    }
                    record.setLong(slot, v);
                    return;
                }
            case TINYINT:
                {
                    long v = readIntegral();
                    if (v != (byte) v) {
                        throw corrupt("TINYINT value " + v + " is out of range");
                    }
                    record.setLong(slot, v);
                    return;
                }
            case BOOLEAN:
                {
                    boolean v = readFlag("BOOLEAN value");
                    recordCrc.updateBoolean(v);
                    record.setLong(slot, v ? 1 : 0);
                    return;
                }
            case DOUBLE:
                {
                    long bits = in.readFixed64();
                    recordCrc.updateLong(bits);
                    record.setLong(slot, bits);
                    return;
                }
            case FLOAT:
                {
                    int bits = in.readFixed32();
                    recordCrc.updateInt(bits);
                    record.setLong(slot, bits);
                    return;
                }
            case STRING:
            case VARCHAR:
            case CHAR:
            case JSON:
            case BINARY:
                {
                    int len = readLength();
                    record.setBytes(slot, record.appendBytes(in, len, recordCrc), len);
                    return;
                }
            case DECIMAL:
                {
                    int len = readLength();
                    if (len > MAX_DECIMAL_TEXT) {
                        // BigDecimal parses long digit strings in quadratic time
                        throw corrupt(
                                "a DECIMAL value of "
                                        + len
                                        + " bytes; no MaxCompute DECIMAL is written with more than "
                                        + MAX_DECIMAL_TEXT);
                    }
                    int offset = record.appendBytes(in, len, recordCrc);
                    if (!DecimalText.parseCompact(
                            record.sharedBytes(), offset, len, record, slot)) {
                        String text =
                                new String(
                                        record.sharedBytes(), offset, len, StandardCharsets.UTF_8);
                        try {
                            BigDecimal v = new BigDecimal(text);
                            if (Math.abs(v.scale()) > MAX_DECIMAL_TEXT) {
                                // an exponent such as 1E-999999999: every later rescale or
                                // toPlainString of it would take forever
                                throw corrupt(
                                        "the DECIMAL value "
                                                + text
                                                + " has scale "
                                                + v.scale()
                                                + "; the service writes plain digits");
                            }
                            if (v.unscaledValue().bitLength() < Long.SIZE) {
                                record.setCompactDecimal(
                                        slot, v.unscaledValue().longValue(), v.scale());
                            } else {
                                record.setObject(slot, v);
                            }
                        } catch (NumberFormatException e) {
                            // The service writes inf/nan for special values; the SDK reads them as
                            // NULL.
                        }
                    }
                    record.dropBytesFrom(offset);
                    return;
                }
            case DATE:
                {
                    long v = readIntegral();
                    if (v < MIN_EPOCH_DAY || v > MAX_EPOCH_DAY) {
                        throw corrupt("DATE value " + v + " is out of range");
                    }
                    record.setLong(slot, v);
                    return;
                }
            case DATETIME:
                record.setLong(slot, readIntegral());
                return;
            case TIMESTAMP:
                {
                    long seconds = readIntegral();
                    int nanos = readNanos();
                    if (seconds < MIN_INSTANT_SECOND || seconds > MAX_INSTANT_SECOND) {
                        throw corrupt("TIMESTAMP value " + seconds + " s is out of range");
                    }
                    record.setSecondsAndNanos(slot, seconds, nanos);
                    return;
                }
            case TIMESTAMP_NTZ:
                {
                    long seconds = readIntegral();
                    int nanos = readNanos();
                    long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
                    if (day < MIN_EPOCH_DAY || day > MAX_EPOCH_DAY) {
                        throw corrupt("TIMESTAMP_NTZ value " + seconds + " s is out of range");
                    }
                    record.setSecondsAndNanos(slot, seconds, nanos);
                    return;
                }
            case INTERVAL_DAY_TIME:
                {
                    long seconds = in.readSInt64();
                    int nanos = in.readSInt32();
                    recordCrc.updateLong(seconds);
                    recordCrc.updateInt(nanos);
                    if (nanos <= -NANOS_PER_SECOND || nanos >= NANOS_PER_SECOND) {
                        throw corrupt("INTERVAL_DAY_TIME nanos " + nanos + " are out of range");
                    }
                    // what Duration.ofSeconds(seconds, nanos) checks: a value past it is a
                    // damaged record, not a failure of the job
                    if (seconds == Long.MIN_VALUE && nanos < 0) {
                        throw corrupt(
                                "INTERVAL_DAY_TIME " + seconds + " s " + nanos + " ns overflows");
                    }
                    record.setSecondsAndNanos(slot, seconds, nanos);
                    return;
                }
            case INTERVAL_YEAR_MONTH:
                {
                    long months = readIntegral();
                    if (months != (int) months) {
                        throw corrupt("INTERVAL_YEAR_MONTH value " + months + " is out of range");
                    }
                    record.setLong(slot, months);
                    return;
                }
            case ARRAY:
            case MAP:
            case STRUCT:
                record.setObject(slot, readValue(t));
                return;
            default:
                throw new IllegalStateException("unhandled type " + t);
        }
    }

    /**
     * Decodes one value of type {@code t} into the codec's Java mapping: complex values here,
     * scalars through {@link #readField} into the record's scratch slot, then boxed.
     */
    private Object readValue(TypeInfo t) throws IOException {
        switch (t.type()) {
            case ARRAY:
                return readArray(t.elementType(), readLength());
            case MAP:
                {
                    int n = readLength();
                    List<Object> keys = readArray(t.keyType(), n);
                    int m = readLength();
                    if (m != n) {
                        throw corrupt("a map has " + n + " keys but " + m + " values");
                    }
                    Map<Object, Object> map = new LinkedHashMap<>(capacity(n) * 4 / 3 + 1);
                    for (int i = 0; i < n; i++) {
                        Object value = readElement(t.valueType());
                        if (map.put(keys.get(i), value) != null || map.size() != i + 1) {
                            throw corrupt("a map has the key " + keys.get(i) + " twice");
                        }
                    }
                    return map;
                }
            case STRUCT:
                {
                    List<TypeInfo.Field> fields = t.fields();
                    List<Object> values = new ArrayList<>(fields.size());
                    for (TypeInfo.Field f : fields) {
                        values.add(readElement(f.type()));
                    }
                    return values;
                }
            default:
                readField(record.scratchSlot(t), t);
                return record.boxScratch();
        }
    }

    private List<Object> readArray(TypeInfo elementType, int n) throws IOException {
        List<Object> list = new ArrayList<>(capacity(n));
        for (int i = 0; i < n; i++) {
            list.add(readElement(elementType));
        }
        return list;
    }

    private Object readElement(TypeInfo t) throws IOException {
        return readFlag("null flag") ? null : readValue(t);
    }

    private static int capacity(int n) {
        return Math.min(n, MAX_PREALLOCATED_ELEMENTS);
    }

    private long readIntegral() throws IOException {
        long v = in.readSInt64();
        recordCrc.updateLong(v);
        return v;
    }

    private int readNanos() throws IOException {
        int nanos = in.readSInt32();
        recordCrc.updateInt(nanos);
        if (nanos < 0 || nanos >= NANOS_PER_SECOND) {
            throw corrupt("nanos " + nanos + " are out of range [0, 999999999]");
        }
        return nanos;
    }

    private boolean readFlag(String what) throws IOException {
        int v = in.readVarint32();
        if (v != 0 && v != 1) {
            throw corrupt(what + " is " + v + ", not 0 or 1");
        }
        return v == 1;
    }

    /** A byte length or element count (uint32), which must fit in an int. */
    private int readLength() throws IOException {
        int n = in.readVarint32();
        if (n < 0) {
            throw corrupt("length or count " + (n & 0xFFFFFFFFL) + " is too large");
        }
        return n;
    }

    /**
     * The longest DECIMAL text read (and the largest scale, either sign): the service writes plain
     * digits of at most 54 (DECIMAL 1.0) or 38 (DECIMAL(p,s)) digits, a sign and a point.
     */
    static final int MAX_DECIMAL_TEXT = 128;

    private CorruptRecordStreamException corrupt(String what) {
        return corrupt(what, null);
    }

    private CorruptRecordStreamException corrupt(String what, Throwable cause) {
        return new CorruptRecordStreamException(
                "Corrupt record stream in record " + (recordsRead + 1) + ": " + what, cause);
    }

    private CorruptRecordStreamException corruptTrailer(String what) {
        return new CorruptRecordStreamException(
                "Corrupt record stream in the trailer after record " + recordsRead + ": " + what);
    }

    private static String hex(int v) {
        return "0x" + String.format("%08X", v);
    }
}
