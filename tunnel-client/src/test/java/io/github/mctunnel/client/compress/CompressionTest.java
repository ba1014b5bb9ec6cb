package io.github.mctunnel.client.compress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompressionTest {

    @Test
    void contentEncodingsAndNames() {
        assertThat(Compression.RAW.contentEncoding()).isNull();
        assertThat(Compression.DEFLATE.contentEncoding()).isEqualTo("deflate");
        assertThat(Compression.SNAPPY.contentEncoding()).isEqualTo("x-snappy-framed");
        assertThat(Compression.LZ4.contentEncoding()).isEqualTo("x-lz4-frame");
        assertThat(Compression.ZSTD.contentEncoding()).isEqualTo("zstd");
        for (Compression c : Compression.values()) {
            assertThat(Compression.fromContentEncoding(c.contentEncoding())).isSameAs(c);
            assertThat(Compression.fromName(c.name().toLowerCase(java.util.Locale.ROOT)))
                    .isSameAs(c);
        }
        assertThat(Compression.fromContentEncoding("")).isSameAs(Compression.RAW);
        assertThat(Compression.fromName("Zstd")).isSameAs(Compression.ZSTD);
    }

    @Test
    void unknownValuesListTheValidOnes() {
        assertThatThrownBy(() -> Compression.fromContentEncoding("gzip"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Unsupported Content-Encoding 'gzip'; valid values: deflate,"
                                + " x-snappy-framed, x-lz4-frame, zstd (or none for raw)");
        assertThatThrownBy(() -> Compression.fromName("gzip"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Unknown compression 'gzip'; valid values: raw, deflate, snappy, lz4, zstd");
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripsAndClosingClosesTheTarget(Compression c) throws IOException {
        String[] words = {"alpha ", "beta ", "gamma ", "delta ", "epsilon ", "zeta "};
        StringBuilder text = new StringBuilder();
        Random rnd = new Random(7);
        while (text.length() < 300_000) {
            text.append(words[rnd.nextInt(words.length)]);
        }
        byte[] data = text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        boolean[] closed = {false};
        ByteArrayOutputStream sink =
                new ByteArrayOutputStream() {
                    @Override
                    public void close() {
                        closed[0] = true;
                    }
                };
        try (OutputStream out = c.compress(sink)) {
            out.write(data, 0, 1000);
            out.write(data, 1000, data.length - 1000);
        }
        assertThat(closed[0]).isTrue();
        byte[] compressed = sink.toByteArray();
        if (c != Compression.RAW) {
            assertThat(compressed.length).isLessThan(data.length * 3 / 4);
        }
        try (InputStream in = c.decompress(new ByteArrayInputStream(compressed))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void deflateIsAZlibStreamAndSnappyIsFramed() throws IOException {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (OutputStream out = Compression.DEFLATE.compress(z)) {
            out.write("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        assertThat(HexFormat.of().formatHex(z.toByteArray(), 0, 2)).isEqualTo("7801");

        ByteArrayOutputStream s = new ByteArrayOutputStream();
        try (OutputStream out = Compression.SNAPPY.compress(s)) {
            out.write(1);
        }
        assertThat(HexFormat.of().formatHex(Arrays.copyOf(s.toByteArray(), 10)))
                .isEqualTo("ff060000734e61507059");
    }
}
