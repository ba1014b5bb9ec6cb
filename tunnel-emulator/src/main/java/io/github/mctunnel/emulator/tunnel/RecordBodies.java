package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.codec.CorruptRecordStreamException;
import io.github.mctunnel.client.codec.RecordStreamReader;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.emulator.catalog.RowChunkEncoder;
import io.github.mctunnel.emulator.limits.BandwidthThrottle;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.server.EmulatorRequest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipException;

/** Decodes the record stream in a data request body (block PUT, stream flush, upsert flush). */
final class RecordBodies {

    private RecordBodies() {}

    /** The compression named by {@code Content-Encoding}, or a 400 naming the bad value. */
    static Compression requestCompression(EmulatorRequest req) {
        String encoding = req.header("Content-Encoding");
        try {
            return Compression.fromContentEncoding(encoding);
        } catch (IllegalArgumentException e) {
            throw TunnelErrors.malformedHeader(
                    "Unsupported Content-Encoding '"
                            + encoding
                            + "': supported are deflate, x-snappy-framed, x-lz4-frame, zstd or none");
        }
    }

    /**
     * The compression for a response: the first supported value of {@code Accept-Encoding}, or null
     * for raw.
     */
    static String responseEncoding(EmulatorRequest req) {
        String accept = req.header("Accept-Encoding");
        if (accept == null || accept.isBlank()) {
            return null;
        }
        for (String part : accept.split(",")) {
            String value = part.trim();
            int semi = value.indexOf(';');
            if (semi >= 0) {
                value = value.substring(0, semi).trim();
            }
            value = value.toLowerCase(Locale.ROOT);
            if (value.isEmpty() || value.equals("identity") || value.equals("gzip")) {
                continue;
            }
            try {
                Compression.fromContentEncoding(value);
                return value;
            } catch (IllegalArgumentException unsupported) {
                // try the next one
            }
        }
        return null;
    }

    /**
     * Reads every record of the body.
     *
     * @param limits largest STRING/BINARY value and the optional bandwidth cap
     * @throws io.github.mctunnel.emulator.server.ServiceException 400 MalformedDataStream when the
     *     stream is corrupt, 400 InvalidArgument when a value is too large
     */
    static List<Object[]> readAll(EmulatorRequest req, List<Column> columns, EmulatorLimits limits)
            throws IOException {
        List<Object[]> rows = new ArrayList<>();
        readEach(req, columns, limits, rows::add);
        return rows;
    }

    /**
     * Reads every record of the body into the encoder of the rows to store.
     *
     * @return the number of records
     * @throws io.github.mctunnel.emulator.server.ServiceException as {@link #readAll}, and 400
     *     InvalidArgument when a record cannot be stored
     */
    static long readInto(
            EmulatorRequest req,
            List<Column> columns,
            EmulatorLimits limits,
            RowChunkEncoder encoder)
            throws IOException {
        return readEach(
                req,
                columns,
                limits,
                row -> {
                    try {
                        encoder.add(row);
                    } catch (IllegalArgumentException e) {
                        throw TunnelErrors.invalidArgument(
                                "Record "
                                        + encoder.rowCount()
                                        + " cannot be stored: "
                                        + e.getMessage());
                    }
                });
    }

    /** Receives each record as it is decoded. */
    private interface RecordSink {
        void accept(Object[] record);
    }

    private static long readEach(
            EmulatorRequest req, List<Column> columns, EmulatorLimits limits, RecordSink sink)
            throws IOException {
        int maxFieldSize = limits.maxFieldSize();
        Compression compression = requestCompression(req);
        long count = 0;
        // The server drains and closes the request body itself; closing it here would break that.
        InputStream body =
                new FilterInputStream(req.body()) {
                    @Override
                    public void close() {}
                };
        if (limits.bandwidthCapped()) {
            body = new BandwidthThrottle(limits.bandwidthBytesPerSecond()).wrap(body);
        }
        try (InputStream in = compression.decompress(body)) {
            RecordStreamReader reader = new RecordStreamReader(columns, in, true, true);
            Object[] row;
            while ((row = reader.read()) != null) {
                checkFieldSizes(row, columns, maxFieldSize, count);
                sink.accept(row);
                count++;
            }
        } catch (CorruptRecordStreamException | ZipException e) {
            throw TunnelErrors.malformedDataStream(
                    "The record stream in the request body is not valid: " + e.getMessage());
        }
        return count;
    }

    private static void checkFieldSizes(
            Object[] row, List<Column> columns, int maxFieldSize, long rowIndex) {
        for (int i = 0; i < row.length; i++) {
            if (row[i] instanceof byte[] bytes && bytes.length > maxFieldSize) {
                throw TunnelErrors.invalidArgument(
                        "Value of column "
                                + columns.get(i).name()
                                + " in record "
                                + rowIndex
                                + " has "
                                + bytes.length
                                + " bytes; the limit is "
                                + maxFieldSize
                                + " bytes");
            }
        }
    }
}
