package io.github.mctunnel.flink.docs;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Relative links between the docs (and from the README) point to files that exist and, with a
 * {@code #fragment}, to a heading of the target page (GitHub's heading anchors).
 */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$");

    @Test
    void relativeLinksPointToExistingPagesAndHeadings() {
        List<String> broken = new ArrayList<>();
        for (Path page : DocsPages.allPages()) {
            String text = withoutCodeBlocks(DocsPages.read(page));
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http:, https:, mailto:
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(DocsPages.name(page) + ": " + target + " (no such file)");
                } else if (anchor != null
                        && resolved.toString().endsWith(".md")
                        && !anchors(DocsPages.read(resolved)).contains(anchor)) {
                    broken.add(DocsPages.name(page) + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(broken).as("broken links in the docs").isEmpty();
    }

    /** GitHub's anchors of a page's headings. */
    static Set<String> anchors(String page) {
        Set<String> anchors = new HashSet<>();
        Matcher m = HEADING.matcher(withoutCodeBlocks(page));
        while (m.find()) {
            String slug =
                    m.group(1)
                            .toLowerCase(Locale.ROOT)
                            .replaceAll("[^\\p{L}\\p{N} _-]", "")
                            .replace(' ', '-');
            String unique = slug;
            for (int i = 1; !anchors.add(unique); i++) {
                unique = slug + "-" + i;
            }
        }
        return anchors;
    }

    private static String withoutCodeBlocks(String text) {
        return text.replaceAll("(?s)```.*?```", "");
    }
}
