package io.github.mctunnel.client.upsert;

import java.nio.charset.StandardCharsets;

/**
 * Byte hashes of the text forms the service hashes: the UTF-8 bytes of a string, and the
 * quoted-printable form of a binary value. Bytes are produced on the fly, so hashing allocates
 * nothing (except for malformed UTF-8 input, see {@link #hashUtf8}).
 */
final class TextHashing {

    private static final byte[] HEX_UPPER = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private TextHashing() {}

    /**
     * Hash of the UTF-8 encoding of {@code text} as {@link String#getBytes} produces it: an
     * unpaired surrogate encodes as {@code '?'}.
     */
    static int hashString(HashFamily f, CharSequence text) {
        int h = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                h = f.step(h, c);
            } else if (c < 0x800) {
                h = f.step(h, (byte) (0xC0 | (c >> 6)));
                h = f.step(h, (byte) (0x80 | (c & 0x3F)));
            } else if (!Character.isSurrogate(c)) {
                h = f.step(h, (byte) (0xE0 | (c >> 12)));
                h = f.step(h, (byte) (0x80 | ((c >> 6) & 0x3F)));
                h = f.step(h, (byte) (0x80 | (c & 0x3F)));
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < n
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                h = f.step(h, (byte) (0xF0 | (cp >> 18)));
                h = f.step(h, (byte) (0x80 | ((cp >> 12) & 0x3F)));
                h = f.step(h, (byte) (0x80 | ((cp >> 6) & 0x3F)));
                h = f.step(h, (byte) (0x80 | (cp & 0x3F)));
            } else {
                h = f.step(h, '?');
            }
        }
        return f.finish(h);
    }

    /**
     * Hash of a string given as UTF-8 bytes. The official SDK decodes such bytes to a {@code
     * String} and re-encodes them, which replaces every malformed sequence with U+FFFD; well-formed
     * input survives that round trip unchanged and is hashed in place, malformed input takes the
     * same decode/encode detour to give the same result.
     */
    static int hashUtf8(HashFamily f, byte[] bytes, int offset, int length) {
        int h = 0;
        boolean ascii = true;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            ascii &= b >= 0;
            h = f.step(h, b);
        }
        if (ascii || isWellFormedUtf8(bytes, offset, end)) {
            return f.finish(h);
        }
        return hashString(f, new String(bytes, offset, length, StandardCharsets.UTF_8));
    }

    /**
     * Hash of the quoted-printable form the SDK hashes for BINARY keys: bytes 33..60, 62..123, 125
     * and 126 stand for themselves, every other byte becomes {@code '='} and two upper-case hex
     * digits.
     */
    static int hashQuotedPrintable(HashFamily f, byte[] bytes, int offset, int length) {
        int h = 0;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            int u = bytes[i] & 0xFF;
            if (u >= 33 && u <= 126 && u != '=' && u != '|') {
                h = f.step(h, u);
            } else {
                h = f.step(h, '=');
                h = f.step(h, HEX_UPPER[u >> 4]);
                h = f.step(h, HEX_UPPER[u & 0xF]);
            }
        }
        return f.finish(h);
    }

    /** Well-formed UTF-8 per the Unicode standard (table 3-7), which is what the JDK accepts. */
    static boolean isWellFormedUtf8(byte[] b, int from, int end) {
        int i = from;
        while (i < end) {
            int b0 = b[i] & 0xFF;
            if (b0 < 0x80) {
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                if (b0 == 0xE0) {
                    lo = 0xA0;
                } else if (b0 == 0xED) {
                    hi = 0x9F;
                }
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                if (b0 == 0xF0) {
                    lo = 0x90;
                } else if (b0 == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                return false;
            }
            if (end - i - 1 < need) {
                return false;
            }
            int b1 = b[i + 1] & 0xFF;
            if (b1 < lo || b1 > hi) {
                return false;
            }
            for (int k = 2; k <= need; k++) {
                if ((b[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += need + 1;
        }
        return true;
    }
}
