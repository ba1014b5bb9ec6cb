package io.github.mctunnel.benchmarks.data;

import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.compress.Compression;

import java.io.IOException;
import java.io.OutputStream;

/** Whole record streams (records and trailer) of {@link EventRows}, for the benchmarks' inputs. */
public final class RecordStreams {

    private RecordStreams() {}

    /** The record stream of all rows, uncompressed. */
    public static byte[] encode(EventRows rows) throws IOException {
        return encode(rows, rows.size(), Compression.RAW);
    }

    /**
     * A record stream of {@code records} records (the rows repeated in order), compressed as a
     * whole with {@code compression}.
     */
    public static byte[] encode(EventRows rows, long records, Compression compression)
            throws IOException {
        ByteSink sink = new ByteSink(64 * 1024);
        try (OutputStream out = compression.compress(sink)) {
            write(rows, records, out);
        }
        return sink.toByteArray();
    }

    /** Writes a record stream of {@code records} records (the rows repeated) to {@code out}. */
    public static void write(EventRows rows, long records, OutputStream out) throws IOException {
        RecordStreamWriter w = new RecordStreamWriter(EventRows.COLUMNS, out);
        int n = rows.size();
        for (long r = 0; r < records; r++) {
            rows.writeFields(w, (int) (r % n));
        }
        w.finish();
    }
}
