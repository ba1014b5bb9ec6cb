package io.github.mctunnel.flink.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The named regions of the docs' Java samples: lines between {@code // [START name]} and {@code //
 * [END name]} in the sources of package {@code io.github.mctunnel.flink.docs.samples}, which are
 * compiled with the tests and run by {@code DocsSamplesITCase}.
 */
final class SampleSources {

    static final String SAMPLES_DIRECTORY =
            "flink-connector-tunnel/src/test/java/io/github/mctunnel/flink/docs/samples";

    private static final Pattern START = Pattern.compile("^\\s*// \\[START ([\\w.-]+)]\\s*$");
    private static final Pattern END = Pattern.compile("^\\s*// \\[END ([\\w.-]+)]\\s*$");

    private SampleSources() {}

    /** Region name to its text, without common indentation. */
    static Map<String, String> regions() {
        Map<String, String> regions = new LinkedHashMap<>();
        Path dir = DocsPages.repositoryRoot().resolve(SAMPLES_DIRECTORY);
        List<Path> sources;
        try (Stream<Path> files = Files.list(dir)) {
            sources =
                    files.filter(p -> p.toString().endsWith(".java"))
                            .sorted()
                            .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path source : sources) {
            List<String> lines;
            try {
                lines = Files.readAllLines(source, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String name = null;
            List<String> body = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Matcher start = START.matcher(line);
                Matcher end = END.matcher(line);
                if (start.matches()) {
                    if (name != null) {
                        throw new IllegalStateException(
                                source + ":" + (i + 1) + ": region " + name + " not ended");
                    }
                    name = start.group(1);
                    body.clear();
                } else if (end.matches()) {
                    if (name == null || !name.equals(end.group(1))) {
                        throw new IllegalStateException(
                                source + ":" + (i + 1) + ": END without START " + end.group(1));
                    }
                    if (regions.put(name, dedent(body)) != null) {
                        throw new IllegalStateException("Region " + name + " defined twice");
                    }
                    name = null;
                } else if (name != null) {
                    body.add(line);
                }
            }
            if (name != null) {
                throw new IllegalStateException(source + ": region " + name + " not ended");
            }
        }
        return regions;
    }

    /** Lines without their common leading spaces and trailing whitespace, joined with newlines. */
    static String dedent(List<String> lines) {
        int indent = Integer.MAX_VALUE;
        for (String line : lines) {
            if (!line.isBlank()) {
                indent = Math.min(indent, line.length() - line.stripLeading().length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            sb.append(line.isBlank() ? "" : line.substring(indent).stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    static String dedent(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return dedent(lines);
    }
}
