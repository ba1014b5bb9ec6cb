package io.github.mctunnel.client.codec;

/**
 * Parses the common DECIMAL texts of the record stream without a {@link java.math.BigDecimal}: an
 * optional sign, ASCII digits with at most one point, at most 18 digits after the leading zeros (so
 * the unscaled value fits in a {@code long}). Every such text gives the unscaled value and scale
 * that {@code new BigDecimal(text)} has; any other text (exponents, more digits, inf/nan, non-ASCII
 * digits) is left to {@code BigDecimal}.
 */
final class DecimalText {

    /** 18 decimal digits always fit in a long. */
    private static final int MAX_COMPACT_DIGITS = 18;

    private DecimalText() {}

    /**
     * Parses {@code len} bytes at {@code offset}; on success stores the value as a compact decimal
     * in {@code slot} of {@code record}.
     *
     * @return false when the text is not of the compact form (nothing is stored)
     */
    static boolean parseCompact(byte[] text, int offset, int len, DecodedRecord record, int slot) {
        int i = offset;
        int end = offset + len;
        boolean negative = false;
        if (i < end && (text[i] == '-' || text[i] == '+')) {
            negative = text[i] == '-';
            i++;
        }
        long unscaled = 0;
        int digits = 0;
        int significant = 0;
        int point = -1;
        for (; i < end; i++) {
            int b = text[i];
            if (b >= '0' && b <= '9') {
                digits++;
                if (unscaled != 0 || b != '0') {
                    // a significant digit (leading zeros are not)
                    if (++significant > MAX_COMPACT_DIGITS) {
                        return false;
                    }
                    unscaled = unscaled * 10 + (b - '0');
                }
            } else if (b == '.' && point < 0) {
                point = digits;
            } else {
                return false;
            }
        }
        if (digits == 0) {
            return false;
        }
        record.setCompactDecimal(
                slot, negative ? -unscaled : unscaled, point < 0 ? 0 : digits - point);
        return true;
    }
}
