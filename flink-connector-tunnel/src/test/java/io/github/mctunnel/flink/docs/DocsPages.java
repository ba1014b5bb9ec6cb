package io.github.mctunnel.flink.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Markdown pages under the repository's {@code docs/} directory, found from the test's working
 * directory (the module directory under Maven), and the switch that lets the docs tests rewrite
 * them: {@code -Ddocs.regenerate=true}.
 */
final class DocsPages {

    static final String REGENERATE_PROPERTY = "docs.regenerate";

    /** How to regenerate every generated part of the docs, for failure messages. */
    static final String REGENERATE_COMMAND =
            "flock /tmp/mvn.lock mvn -B test -pl flink-connector-tunnel -am"
                    + " -Dtest='Docs*Test'"
                    + " -Dsurefire.failIfNoSpecifiedTests=false -Ddocs.regenerate=true"
                    + " (without the flock on your own machine)";

    private DocsPages() {}

    static boolean regenerate() {
        return Boolean.getBoolean(REGENERATE_PROPERTY);
    }

    /** The repository root: the nearest directory upwards holding {@code docs/} and a pom. */
    static Path repositoryRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("docs"))
                    && Files.isRegularFile(dir.resolve("pom.xml"))
                    && Files.isDirectory(dir.resolve("flink-connector-tunnel"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "No repository root with docs/ above " + Paths.get("").toAbsolutePath());
    }

    static Path docsDirectory() {
        return repositoryRoot().resolve("docs");
    }

    static Path page(String name) {
        return docsDirectory().resolve(name);
    }

    /** Every {@code docs/*.md} page and the README, sorted by name. */
    static List<Path> allPages() {
        try (Stream<Path> files = Files.list(docsDirectory())) {
            List<Path> pages =
                    files.filter(p -> p.getFileName().toString().endsWith(".md"))
                            .sorted()
                            .collect(Collectors.toList());
            pages.add(repositoryRoot().resolve("README.md"));
            return pages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path page) {
        try {
            return Files.readString(page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path page, String text) {
        try {
            Files.writeString(page, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page's path relative to the repository, for messages. */
    static String name(Path page) {
        return repositoryRoot().relativize(page).toString();
    }
}
