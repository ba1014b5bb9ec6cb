package io.github.mctunnel.flink.convert;

/** Checks UTF-8 bytes as Java's decoder reads them, without decoding them. */
final class Utf8 {

    private Utf8() {}

    /**
     * The code points of {@code utf8[offset, offset + length)}, or -1 when the bytes are not
     * well-formed UTF-8 (a stray continuation byte, a truncated sequence, an overlong form, a
     * surrogate, or a code point above U+10FFFF: what a decoder replaces with U+FFFD).
     */
    static int codePoints(byte[] utf8, int offset, int length) {
        int end = offset + length;
        int i = offset;
        // ASCII, the common case, one byte a character
        while (i < end && utf8[i] >= 0) {
            i++;
        }
        int n = i - offset;
        while (i < end) {
            int b = utf8[i] & 0xFF;
            if (b < 0x80) {
                i++;
            } else if (b >= 0xC2 && b <= 0xDF) {
                if (i + 1 >= end || !continuation(utf8[i + 1])) {
                    return -1;
                }
                i += 2;
            } else if (b >= 0xE0 && b <= 0xEF) {
                if (i + 2 >= end || !continuation(utf8[i + 1]) || !continuation(utf8[i + 2])) {
                    return -1;
                }
                int b1 = utf8[i + 1] & 0xFF;
                if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 >= 0xA0)) {
                    return -1; // overlong, or a surrogate
                }
                i += 3;
            } else if (b >= 0xF0 && b <= 0xF4) {
                if (i + 3 >= end
                        || !continuation(utf8[i + 1])
                        || !continuation(utf8[i + 2])
                        || !continuation(utf8[i + 3])) {
                    return -1;
                }
                int b1 = utf8[i + 1] & 0xFF;
                if ((b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 >= 0x90)) {
                    return -1; // overlong, or above U+10FFFF
                }
                i += 4;
            } else {
                return -1;
            }
            n++;
        }
        return n;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
