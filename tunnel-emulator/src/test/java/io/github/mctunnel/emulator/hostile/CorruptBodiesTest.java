package io.github.mctunnel.emulator.hostile;

import io.github.mctunnel.client.compress.Compression;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Corrupt or truncated compressed block bodies answer 400 MalformedDataStream, no reset. */
class CorruptBodiesTest {

    private static HostileFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new HostileFixture();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static byte[] validBody(Compression c) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            rows.add(new Object[] {(long) i, HostileFixture.bytes("value " + i), List.of("e" + i)});
        }
        return fx.encode(c, rows);
    }

    @ParameterizedTest
    @EnumSource(
            value = Compression.class,
            names = {"DEFLATE", "SNAPPY", "LZ4", "ZSTD"})
    void truncatedCompressedBodyIsMalformedDataStream(Compression c) {
        List<List<Object>> before = fx.rows();
        byte[] body = validBody(c);
        RawHttp.Answer a =
                fx.putBlock(
                        fx.createUpload(),
                        0,
                        Arrays.copyOf(body, body.length / 2),
                        c.contentEncoding());
        assertThat(a.status()).as(a.toString()).isEqualTo(400);
        assertThat(a.code()).isEqualTo("MalformedDataStream");
        assertThat(fx.rows()).isEqualTo(before);
    }

    @ParameterizedTest
    @EnumSource(
            value = Compression.class,
            names = {"DEFLATE", "SNAPPY", "LZ4", "ZSTD"})
    void garbledCompressedBodyIsMalformedDataStream(Compression c) {
        byte[] body = validBody(c);
        for (int i = 4; i < body.length; i += 7) {
            body[i] ^= (byte) 0x5A;
        }
        RawHttp.Answer a = fx.putBlock(fx.createUpload(), 0, body, c.contentEncoding());
        assertThat(a.status()).as(a.toString()).isEqualTo(400);
        assertThat(a.code()).isEqualTo("MalformedDataStream");
    }

    @ParameterizedTest
    @EnumSource(
            value = Compression.class,
            names = {"DEFLATE", "SNAPPY", "LZ4", "ZSTD"})
    void randomBytesAreMalformedDataStream(Compression c) {
        byte[] body = new byte[3000];
        new java.util.Random(7).nextBytes(body);
        RawHttp.Answer a = fx.putBlock(fx.createUpload(), 0, body, c.contentEncoding());
        assertThat(a.status()).as(a.toString()).isEqualTo(400);
        assertThat(a.code()).isEqualTo("MalformedDataStream");
    }
}
