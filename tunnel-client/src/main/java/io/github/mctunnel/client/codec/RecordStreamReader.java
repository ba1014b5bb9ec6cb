package io.github.mctunnel.client.codec;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TypeInfo;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneOffset;
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
 * Instant}, TIMESTAMP_NTZ {@link LocalDateTime}, INTERVAL_DAY_TIME {@link Duration},
 * INTERVAL_YEAR_MONTH {@link Period} (normalized to years and months), ARRAY {@link List}, MAP
 * {@link Map} (a {@link LinkedHashMap} in wire order), STRUCT {@link List} of the field values in
 * declared order. NULL is {@code null} at every level.
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

    private final Column[] columns;
    private final boolean stringsAsBytes;
    private final boolean requireTrailer;
    private final WireInput in;
    private final RecordChecksum recordCrc = new RecordChecksum();
    private final RecordChecksum streamCrc = new RecordChecksum();

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
        this.stringsAsBytes = stringsAsBytes;
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
     * trailer has been checked).
     *
     * @throws CorruptRecordStreamException when the stream is not valid
     */
    public Object[] read() throws IOException {
        if (ended) {
            return null;
        }
        Object[] values = new Object[columns.length];
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
                    return values;
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
                if (values[col] != null) {
                    throw corrupt("column " + field + " appears twice");
                }
                recordCrc.updateInt(field);
                values[col] = readValue(columns[col].type());
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

    private Object readValue(TypeInfo t) throws IOException {
        switch (t.type()) {
            case BIGINT:
                {
                    long v = in.readSInt64();
                    recordCrc.updateLong(v);
                    return v;
                }
            case INT:
                {
                    long v = readIntegral();
                    if (v != (int) v) {
                        throw corrupt("INT value " + v + " is out of range");
                    }
                    return (int) v;
                }
            case SMALLINT:
                {
                    long v = readIntegral();
                    if (v != (short) v) {
                        throw corrupt("SMALLINT value " + v + " is out of range");
                    }
                    return (short) v;
                }
            case TINYINT:
                {
                    long v = readIntegral();
                    if (v != (byte) v) {
                        throw corrupt("TINYINT value " + v + " is out of range");
                    }
                    return (byte) v;
                }
            case BOOLEAN:
                {
                    boolean v = readFlag("BOOLEAN value");
                    recordCrc.updateBoolean(v);
                    return v;
                }
            case DOUBLE:
                {
                    double v = Double.longBitsToDouble(in.readFixed64());
                    recordCrc.updateDouble(v);
                    return v;
                }
            case FLOAT:
                {
                    float v = Float.intBitsToFloat(in.readFixed32());
                    recordCrc.updateFloat(v);
                    return v;
                }
            case STRING:
                return stringsAsBytes
                        ? in.readBytes(readLength(), recordCrc)
                        : in.readUtf8(readLength(), recordCrc);
            case VARCHAR:
            case CHAR:
            case JSON:
                return in.readUtf8(readLength(), recordCrc);
            case BINARY:
                return in.readBytes(readLength(), recordCrc);
            case DECIMAL:
                {
                    String text = in.readUtf8(readLength(), recordCrc);
                    try {
                        return new BigDecimal(text);
                    } catch (NumberFormatException e) {
                        // The service writes inf/nan for special values; the SDK reads them as
                        // NULL.
                        return null;
                    }
                }
            case DATE:
                {
                    long v = readIntegral();
                    try {
                        return LocalDate.ofEpochDay(v);
                    } catch (DateTimeException e) {
                        throw corrupt("DATE value " + v + " is out of range");
                    }
                }
            case DATETIME:
                return Instant.ofEpochMilli(readIntegral());
            case TIMESTAMP:
                {
                    long seconds = readIntegral();
                    int nanos = readNanos();
                    try {
                        return Instant.ofEpochSecond(seconds, nanos);
                    } catch (DateTimeException e) {
                        throw corrupt("TIMESTAMP value " + seconds + " s is out of range");
                    }
                }
            case TIMESTAMP_NTZ:
                {
                    long seconds = readIntegral();
                    int nanos = readNanos();
                    try {
                        return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
                    } catch (DateTimeException e) {
                        throw corrupt("TIMESTAMP_NTZ value " + seconds + " s is out of range");
                    }
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
                    return Duration.ofSeconds(seconds, nanos);
                }
            case INTERVAL_YEAR_MONTH:
                {
                    long months = readIntegral();
                    if (months != (int) months) {
                        throw corrupt("INTERVAL_YEAR_MONTH value " + months + " is out of range");
                    }
                    return Period.ofMonths((int) months).normalized();
                }
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
                throw new IllegalStateException("unhandled type " + t);
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
