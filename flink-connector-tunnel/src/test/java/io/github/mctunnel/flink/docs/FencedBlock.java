package io.github.mctunnel.flink.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fenced code block of a Markdown page: its language, its content, the line of its opening fence
 * and the marker comment on the line right above it ({@code <!-- sample: NAME -->} or {@code <!--
 * sql: MODE -->}), if any.
 */
record FencedBlock(
        String page,
        int line,
        String language,
        String marker,
        String content,
        int contentStart,
        int contentEnd) {

    private static final Pattern MARKER = Pattern.compile("^\\s*<!--\\s*(.*?)\\s*-->\\s*$");

    /** Where the block is, for messages: {@code docs/sql.md:42}. */
    String location() {
        return page + ":" + line;
    }

    /** The marker's value after {@code key:}, or null when the block has no such marker. */
    String markerValue(String key) {
        if (marker == null || !marker.startsWith(key + ":")) {
            return null;
        }
        return marker.substring(key.length() + 1).trim();
    }

    /** Every fenced block of a page (``` fences; nested fences are not used in the docs). */
    static List<FencedBlock> parse(String pageName, String text) {
        List<FencedBlock> blocks = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        int[] offsets = new int[lines.length + 1];
        for (int i = 0; i < lines.length; i++) {
            offsets[i + 1] = offsets[i] + lines[i].length() + 1;
        }
        for (int i = 0; i < lines.length; i++) {
            String trimmed = lines[i].trim();
            if (!trimmed.startsWith("```")) {
                continue;
            }
            String language = trimmed.substring(3).trim();
            int end = i + 1;
            while (end < lines.length && !lines[end].trim().equals("```")) {
                end++;
            }
            if (end == lines.length) {
                throw new IllegalStateException(
                        pageName + ":" + (i + 1) + ": code block without closing fence");
            }
            String marker = null;
            if (i > 0) {
                Matcher m = MARKER.matcher(lines[i - 1]);
                if (m.matches()) {
                    marker = m.group(1);
                }
            }
            StringBuilder content = new StringBuilder();
            for (int j = i + 1; j < end; j++) {
                content.append(lines[j]).append('\n');
            }
            blocks.add(
                    new FencedBlock(
                            pageName,
                            i + 1,
                            language,
                            marker,
                            content.toString(),
                            offsets[i + 1],
                            offsets[end]));
            i = end;
        }
        return blocks;
    }
}
