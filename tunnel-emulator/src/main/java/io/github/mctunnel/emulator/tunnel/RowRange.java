package io.github.mctunnel.emulator.tunnel;

/**
 * A download row range {@code (start,count)}.
 *
 * @param start first row, 0-based
 * @param count number of rows
 */
record RowRange(long start, long count) {

    /**
     * Parses {@code (start,count)}; an absent range means every row.
     *
     * @throws io.github.mctunnel.emulator.server.ServiceException 400 InvalidRowRange when the text
     *     is malformed or the range does not lie within {@code [0, total]}
     */
    static RowRange parse(String text, long total) {
        if (text == null) {
            return new RowRange(0, total);
        }
        String t = text.trim();
        int comma = t.indexOf(',');
        if (!t.startsWith("(") || !t.endsWith(")") || comma < 0) {
            throw TunnelErrors.invalidRowRange(
                    "The specified row range is not valid: '" + text + "', expected (start,count)");
        }
        long start;
        long count;
        try {
            start = Long.parseLong(t.substring(1, comma).trim());
            count = Long.parseLong(t.substring(comma + 1, t.length() - 1).trim());
        } catch (NumberFormatException e) {
            throw TunnelErrors.invalidRowRange(
                    "The specified row range is not valid: '" + text + "', expected (start,count)");
        }
        if (start < 0 || count < 0 || start > total || count > total - start) {
            throw TunnelErrors.invalidRowRange(
                    "The specified row range is not valid: ("
                            + start
                            + ","
                            + count
                            + ") is outside the session's "
                            + total
                            + " rows");
        }
        return new RowRange(start, count);
    }
}
