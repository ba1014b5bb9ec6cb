package io.github.mctunnel.flink.docs;

/**
 * A generated part of a Markdown page, between {@code <!-- generated:NAME -->} and {@code <!--
 * /generated:NAME -->} lines. The markers are HTML comments, invisible on GitHub.
 */
final class GeneratedRegion {

    private final String name;

    GeneratedRegion(String name) {
        this.name = name;
    }

    String startMarker() {
        return "<!-- generated:" + name + " -->";
    }

    String endMarker() {
        return "<!-- /generated:" + name + " -->";
    }

    /** The text between the marker lines (without them), or an exception naming the markers. */
    String extract(String page, String pageName) {
        int[] bounds = bounds(page, pageName);
        return page.substring(bounds[0], bounds[1]);
    }

    /** The page with the text between the marker lines replaced by {@code content}. */
    String replace(String page, String pageName, String content) {
        int[] bounds = bounds(page, pageName);
        return page.substring(0, bounds[0]) + content + page.substring(bounds[1]);
    }

    private int[] bounds(String page, String pageName) {
        int start = page.indexOf(startMarker());
        int end = page.indexOf(endMarker());
        if (start < 0 || end < 0 || end < start) {
            throw new IllegalStateException(
                    pageName
                            + " has no generated region "
                            + name
                            + ": expected a line '"
                            + startMarker()
                            + "' followed by a line '"
                            + endMarker()
                            + "'");
        }
        int contentStart = page.indexOf('\n', start) + 1;
        return new int[] {contentStart, end};
    }
}
