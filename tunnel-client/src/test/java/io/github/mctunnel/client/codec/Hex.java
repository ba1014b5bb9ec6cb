package io.github.mctunnel.client.codec;

import java.util.HexFormat;

/** Test helper: hex dumps with spaces and newlines, as the protocol fact sheet prints them. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String spaced) {
        return HexFormat.of().parseHex(spaced.replaceAll("\\s+", ""));
    }

    static String of(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b);
    }
}
