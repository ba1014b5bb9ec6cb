package io.github.mctunnel.benchmarks.compress;

import io.github.mctunnel.benchmarks.data.EventRows;
import io.github.mctunnel.benchmarks.data.RecordStreams;
import io.github.mctunnel.client.compress.Compression;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/**
 * Prints the compressed size and ratio of the {@link CompressionBenchmark} record stream for every
 * {@link Compression}: {@code java -cp benchmarks.jar
 * io.github.mctunnel.benchmarks.compress.CompressionRatios}.
 */
public final class CompressionRatios {

    private CompressionRatios() {}

    public static void main(String[] args) throws IOException {
        byte[] stream =
                RecordStreams.encode(EventRows.generate(CompressionBenchmark.RECORDS, 7, 1));
        System.out.printf(
                Locale.ROOT,
                "record stream: %,d records, %,d bytes (%.1f bytes/record)%n",
                CompressionBenchmark.RECORDS,
                stream.length,
                (double) stream.length / CompressionBenchmark.RECORDS);
        for (Compression c : Compression.values()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(stream.length);
            try (OutputStream out = c.compress(bytes)) {
                out.write(stream);
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %,12d bytes  ratio %.2f%n",
                    c,
                    bytes.size(),
                    (double) stream.length / bytes.size());
        }
    }
}
