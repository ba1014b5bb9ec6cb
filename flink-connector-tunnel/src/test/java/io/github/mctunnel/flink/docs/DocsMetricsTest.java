package io.github.mctunnel.flink.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric the connector registers (a literal name given to {@code counter}, {@code gauge},
 * {@code histogram} or {@code meter}, or one of Flink's standard metrics set or fetched with {@code
 * setXxxGauge}/{@code getXxxCounter}) is listed in docs/metrics.md as {@code `name`}.
 */
class DocsMetricsTest {

    private static final Pattern NAMED =
            Pattern.compile("\\.(?:counter|gauge|histogram|meter)\\(\\s*\"([A-Za-z0-9_.-]+)\"");
    private static final Pattern STANDARD =
            Pattern.compile("\\.(?:get|set)([A-Z][A-Za-z]*?)(?:Counter|Gauge)\\(");

    @Test
    void everyRegisteredMetricIsDocumented() {
        Set<String> registered = registeredMetrics();
        assertThat(registered).contains("numRecordsSend", "sessionsCreated");
        String page = DocsPages.read(DocsPages.page("metrics.md"));
        List<String> missing = new ArrayList<>();
        for (String metric : registered) {
            if (!page.contains("`" + metric + "`")) {
                missing.add(metric);
            }
        }
        assertThat(missing)
                .as(
                        "metrics registered in flink-connector-tunnel but not described in"
                                + " docs/metrics.md")
                .isEmpty();
    }

    static Set<String> registeredMetrics() {
        Path main = DocsPages.repositoryRoot().resolve("flink-connector-tunnel/src/main/java");
        Set<String> metrics = new TreeSet<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(main)) {
            sources =
                    files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path source : sources) {
            String text;
            try {
                text = Files.readString(source, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Matcher named = NAMED.matcher(text);
            while (named.find()) {
                metrics.add(named.group(1));
            }
            Matcher standard = STANDARD.matcher(text);
            while (standard.find()) {
                String name = standard.group(1);
                metrics.add(name.substring(0, 1).toLowerCase(Locale.ROOT) + name.substring(1));
            }
        }
        return metrics;
    }
}
