package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.codec.RecordStreamReader;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.emulator.catalog.RowChunkEncoder;
import io.github.mctunnel.emulator.limits.BandwidthThrottle;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.server.BoundedBody;
import io.github.mctunnel.emulator.server.EmulatorRequest;
import io.github.mctunnel.emulator.server.ServiceException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
        String type = req.header("Content-Type");
        if (type != null) {
            int semi = type.indexOf(';');
            String media = (semi < 0 ? type : type.substring(0, semi)).trim();
            if (!media.equalsIgnoreCase("application/octet-stream")) {
                throw new ServiceException(
                        415,
                        "UnexpectedContent",
                        "A record stream is sent as application/octet-stream (or without a"
                                + " Content-Type), not '"
                                + type
                                + "'");
            }
        }
        Compression compression = requestCompression(req);
        long count = 0;
        // The server drains and closes the request body itself; closing it here would break that.
        TransportTap transport = new TransportTap(req.body());
        InputStream body = transport;
        if (limits.bandwidthCapped()) {
            body = new BandwidthThrottle(limits.bandwidthBytesPerSecond()).wrap(body);
        }
        // Every record is at most one field limit per column plus framing; a record that needs
        // more is refused while it is read, before its values are built in memory.
        long maxRecordBytes = (long) maxFieldSize * columns.size() + RECORD_SLACK;
        try (InputStream in = compression.decompress(body)) {
            BoundedBody decompressed =
                    new BoundedBody(
                            in, limits.maxDecompressedBytes(), "decompressed record stream");
            RecordStreamReader reader = new RecordStreamReader(columns, decompressed, true, true);
            long recordStart = 0;
            Object[] row;
            while (true) {
                row = reader.read();
                if (decompressed.count() - recordStart > maxRecordBytes) {
                    throw TunnelErrors.invalidArgument(
                            "Record "
                                    + count
                                    + " takes more than "
                                    + maxRecordBytes
                                    + " bytes; the limit per field is "
                                    + maxFieldSize
                                    + " bytes");
                }
                recordStart = decompressed.count();
                if (row == null) {
                    break;
                }
                checkFieldSizes(row, columns, maxFieldSize, count);
                sink.accept(row);
                count++;
            }
        } catch (ServiceException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (transport.failed()) {
                // The client's connection broke: nothing to answer.
                throw e;
            }
            // Anything else is the body's fault: a corrupt record stream, or compressed data the
            // decompressor cannot read (a bad frame, a wrong checksum, a truncated stream).
            throw TunnelErrors.malformedDataStream(
                    "The record stream in the request body is not valid"
                            + (compression == Compression.RAW
                                    ? ""
                                    : " " + compression.contentEncoding() + " data")
                            + ": "
                            + (e.getMessage() == null
                                    ? e.getClass().getSimpleName()
                                    : e.getMessage()));
        }
        return count;
    }

    /** Bytes a record may take beyond its fields' limits (tags, lengths, null flags, CRC). */
    private static final long RECORD_SLACK = 1024 * 1024;

    /**
     * The request body as read from the connection: remembers whether reading it failed (the
     * connection broke), so that decoding errors can be told from transport errors; its close()
     * leaves the body open for the server to drain.
     */
    private static final class TransportTap extends FilterInputStream {
        private boolean failed;

        TransportTap(InputStream in) {
            super(in);
        }

        boolean failed() {
            return failed;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public void close() {}
    }

    private static void checkFieldSizes(
            Object[] row, List<Column> columns, int maxFieldSize, long rowIndex) {
        for (int i = 0; i < row.length; i++) {
            long size = size(row[i], maxFieldSize);
            if (size > maxFieldSize) {
                throw TunnelErrors.invalidArgument(
                        "Value of column "
                                + columns.get(i).name()
                                + " in record "
                                + rowIndex
                                + " has "
                                + (row[i] instanceof byte[] || row[i] instanceof String
                                        ? size + " bytes"
                                        : "more than " + maxFieldSize + " bytes")
                                + "; the limit is "
                                + maxFieldSize
                                + " bytes");
            }
        }
    }

    /**
     * The size of a value for the field limit: bytes of strings and binaries, the text of decimals,
     * the sum over the elements of arrays, maps and structs (8 bytes for each fixed-size element,
     * so a huge array of small values counts too). Stops counting past {@code cap}.
     */
    static long size(Object v, long cap) {
        if (v == null) {
            return 1;
        }
        if (v instanceof byte[] b) {
            return b.length;
        }
        if (v instanceof String s) {
            return s.length() > cap ? s.length() : utf8Length(s);
        }
        if (v instanceof java.math.BigDecimal d) {
            return d.unscaledValue().bitLength() / 3 + 2;
        }
        if (v instanceof java.util.Collection<?> c) {
            long total = 0;
            for (Object e : c) {
                total += size(e, cap) + 1;
                if (total > cap) {
                    return total;
                }
            }
            return total;
        }
        if (v instanceof java.util.Map<?, ?> m) {
            long total = 0;
            for (java.util.Map.Entry<?, ?> e : m.entrySet()) {
                total += size(e.getKey(), cap) + size(e.getValue(), cap) + 2;
                if (total > cap) {
                    return total;
                }
            }
            return total;
        }
        return 8;
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
