package io.github.mctunnel.client.compress;

import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.schema.Column;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * Not a test: measures each codec on a typical record stream (ids, timestamps, short text, a
 * decimal, a double). Run with {@code java -cp <test classpath>
 * io.github.mctunnel.client.compress.CompressionBenchmark}.
 */
public final class CompressionBenchmark {

    private CompressionBenchmark() {}

    public static void main(String[] args) throws IOException {
        byte[] body = sampleBody(200_000);
        System.out.printf("raw record stream: %,d bytes%n", body.length);
        for (int round = 0; round < 3; round++) {
            for (Compression c : Compression.values()) {
                long t0 = System.nanoTime();
                ByteArrayOutputStream sink = new ByteArrayOutputStream(body.length);
                try (OutputStream out = c.compress(sink)) {
                    out.write(body);
                }
                long t1 = System.nanoTime();
                byte[] compressed = sink.toByteArray();
                try (InputStream in = c.decompress(new ByteArrayInputStream(compressed))) {
                    byte[] buf = new byte[65536];
                    while (in.read(buf) >= 0) {
                        // drain
                    }
                }
                long t2 = System.nanoTime();
                if (round == 2) {
                    System.out.printf(
                            "%-8s ratio %5.2f  compress %7.1f MB/s  decompress %7.1f MB/s%n",
                            c,
                            (double) body.length / compressed.length,
                            body.length / 1e6 / ((t1 - t0) / 1e9),
                            body.length / 1e6 / ((t2 - t1) / 1e9));
                }
            }
        }
    }

    private static byte[] sampleBody(int records) throws IOException {
        List<Column> columns =
                List.of(
                        Column.of("id", "bigint"),
                        Column.of("ts", "timestamp"),
                        Column.of("user", "string"),
                        Column.of("event", "string"),
                        Column.of("amount", "decimal(18,2)"),
                        Column.of("score", "double"),
                        Column.of("day", "date"));
        String[] events = {"click", "view", "purchase", "login", "logout", "search"};
        Random rnd = new Random(42);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(columns, out);
        Instant base = Instant.parse("2024-01-01T00:00:00Z");
        for (int i = 0; i < records; i++) {
            w.write(
                    new Object[] {
                        (long) i,
                        base.plusMillis(i * 37L + rnd.nextInt(1000)),
                        "user-" + rnd.nextInt(50_000),
                        events[rnd.nextInt(events.length)],
                        BigDecimal.valueOf(rnd.nextInt(1_000_000), 2),
                        rnd.nextDouble() * 100,
                        java.time.LocalDate.of(2024, 1, 1).plusDays(i / 10_000)
                    });
        }
        w.finish();
        return out.toByteArray();
    }
}
