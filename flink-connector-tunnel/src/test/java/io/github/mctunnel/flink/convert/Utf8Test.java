package io.github.mctunnel.flink.convert;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8Test {

    /** Well-formed exactly when Java's decoder gives the bytes back; then as many code points. */
    @Test
    void agreesWithJavasDecoderOnRandomAndEdgeBytes() {
        Random random = new Random(18);
        int malformed = 0;
        for (int n = 0; n < 200_000; n++) {
            byte[] b = new byte[random.nextInt(8)];
            for (int i = 0; i < b.length; i++) {
                // mostly bytes around the boundaries of the encoding's ranges
                int[] interesting = {
                    0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0,
                    0xF4, 0xF5, 0xFF, 0x9F, 0xA0, 0x8F, 0x90
                };
                b[i] =
                        (byte)
                                (random.nextBoolean()
                                        ? interesting[random.nextInt(interesting.length)]
                                        : random.nextInt(256));
            }
            String decoded = new String(b, StandardCharsets.UTF_8);
            boolean wellFormed = Arrays.equals(decoded.getBytes(StandardCharsets.UTF_8), b);
            int expected = wellFormed ? decoded.codePointCount(0, decoded.length()) : -1;
            assertThat(Utf8.codePoints(b, 0, b.length)).as(Arrays.toString(b)).isEqualTo(expected);
            malformed += wellFormed ? 0 : 1;
        }
        assertThat(malformed).isBetween(10_000, 190_000);
        byte[] emoji = "x😀y".getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.codePoints(emoji, 1, 4)).isEqualTo(1);
        assertThat(Utf8.codePoints(emoji, 1, 3)).isEqualTo(-1);
    }
}
