package io.github.mctunnel.emulator.hostile;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Raw, decompressed and per-field caps: 413/400 with the service's codes, rows unchanged. */
class RequestLimitsTest {

    private static final int FIELD = 64 * 1024;
    private static HostileFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx =
                new HostileFixture(
                        EmulatorLimits.builder()
                                .maxFieldSize(FIELD)
                                .maxRequestBytes(1024 * 1024)
                                .maxDecompressedBytes(4 * 1024 * 1024)
                                .build());
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void bodyLargerThanTheRawCapIs413() {
        List<List<Object>> before = fx.rows();
        byte[] body = new byte[1024 * 1024 + 10];
        RawHttp.Answer a = fx.putBlock(fx.createUpload(), 0, body, null);
        assertThat(a.status()).as(a.toString()).isEqualTo(413);
        assertThat(a.code()).isEqualTo("MaxMessageLengthExceeded");
        assertThat(fx.rows()).isEqualTo(before);
    }

    @Test
    void instanceXmlLargerThanTheRawCapIs413() {
        byte[] body = new byte[1024 * 1024 + 10];
        java.util.Arrays.fill(body, (byte) ' ');
        RawHttp.Answer a =
                RawHttp.send(
                        fx.port,
                        "POST",
                        "/api/projects/p/instances",
                        Map.of("Content-Type", "application/xml"),
                        body);
        assertThat(a.status()).as(a.toString()).isEqualTo(413);
        assertThat(a.code()).isEqualTo("MaxMessageLengthExceeded");
    }

    /** Many rows of small values: compresses to almost nothing, expands past the cap. */
    private static byte[] bomb(Compression c) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = c.compress(bytes)) {
            io.github.mctunnel.client.codec.RecordStreamWriter w =
                    new io.github.mctunnel.client.codec.RecordStreamWriter(fx.columns, out);
            byte[] value = new byte[FIELD / 2];
            for (int i = 0; i < 200; i++) {
                w.write(new Object[] {(long) i, value, List.of()});
            }
            w.finish();
        }
        return bytes.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(
            value = Compression.class,
            names = {"DEFLATE", "SNAPPY", "LZ4", "ZSTD"})
    void decompressionBombIs413(Compression c) throws IOException {
        List<List<Object>> before = fx.rows();
        byte[] body = bomb(c);
        assertThat(body.length).isLessThan(1024 * 1024);
        RawHttp.Answer a = fx.putBlock(fx.createUpload(), 0, body, c.contentEncoding());
        assertThat(a.status()).as(a.toString()).isEqualTo(413);
        assertThat(a.code()).isEqualTo("MaxMessageLengthExceeded");
        assertThat(fx.rows()).isEqualTo(before);
    }

    @Test
    void nestedArrayOfStringsOverTheFieldLimitIs400() {
        List<String> big = new ArrayList<>(Collections.nCopies(100, "x".repeat(1000)));
        RawHttp.Answer a =
                fx.putBlock(
                        fx.createUpload(),
                        0,
                        fx.encode(Compression.RAW, List.<Object[]>of(new Object[] {1L, null, big})),
                        null);
        assertThat(a.status()).as(a.toString()).isEqualTo(400);
        assertThat(a.code()).isEqualTo("InvalidArgument");
        assertThat(a.text()).contains("column a");
    }

    @Test
    void hugeArrayOfNullsOverTheFieldLimitIs400() {
        List<String> nulls = new ArrayList<>(Collections.nCopies(FIELD + 1, null));
        RawHttp.Answer a =
                fx.putBlock(
                        fx.createUpload(),
                        0,
                        fx.encode(
                                Compression.ZSTD,
                                List.<Object[]>of(new Object[] {1L, null, nulls})),
                        "zstd");
        assertThat(a.status()).as(a.toString()).isEqualTo(400);
        assertThat(a.code()).isEqualTo("InvalidArgument");
    }

    @Test
    void valuesWithinTheLimitsAreStored() {
        String id = fx.createUpload();
        List<String> ok = new ArrayList<>(Collections.nCopies(10, "y".repeat(1000)));
        RawHttp.Answer a =
                fx.putBlock(
                        id,
                        0,
                        fx.encode(
                                Compression.LZ4,
                                List.<Object[]>of(new Object[] {9L, new byte[FIELD - 10], ok})),
                        "x-lz4-frame");
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
    }
}
