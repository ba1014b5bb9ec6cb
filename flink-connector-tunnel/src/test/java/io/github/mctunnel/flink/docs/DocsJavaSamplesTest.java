package io.github.mctunnel.flink.docs;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code ```java} block in the docs (docs/*.md and README.md) is marked {@code <!-- sample:
 * NAME -->} on the line above it and equals, modulo indentation, the region NAME of the sample
 * sources (package {@code io.github.mctunnel.flink.docs.samples}), which compile with the tests and
 * run against the emulator in {@code DocsSamplesITCase}. {@code -Ddocs.regenerate=true} copies the
 * regions into the docs.
 */
class DocsJavaSamplesTest {

    @Test
    void everyJavaBlockIsAMarkedRegionOfTheCompiledSamples() {
        Map<String, String> regions = SampleSources.regions();
        List<String> problems = new ArrayList<>();
        for (Path page : DocsPages.allPages()) {
            String name = DocsPages.name(page);
            String text = DocsPages.read(page);
            StringBuilder rewritten = new StringBuilder();
            int copied = 0;
            for (FencedBlock block : FencedBlock.parse(name, text)) {
                if (!block.language().equals("java")) {
                    continue;
                }
                String sample = block.markerValue("sample");
                if (sample == null) {
                    problems.add(
                            block.location()
                                    + ": a java block needs a '<!-- sample: NAME -->' line above"
                                    + " it naming a region of "
                                    + SampleSources.SAMPLES_DIRECTORY);
                    continue;
                }
                String region = regions.get(sample);
                if (region == null) {
                    problems.add(
                            block.location()
                                    + ": no region '"
                                    + sample
                                    + "' ('// [START "
                                    + sample
                                    + "]' ... '// [END "
                                    + sample
                                    + "]') in "
                                    + SampleSources.SAMPLES_DIRECTORY);
                    continue;
                }
                if (!SampleSources.dedent(block.content()).equals(region)) {
                    if (DocsPages.regenerate()) {
                        rewritten.append(text, copied, block.contentStart()).append(region);
                        copied = block.contentEnd();
                    } else {
                        problems.add(
                                block.location()
                                        + ": differs from region '"
                                        + sample
                                        + "'. The region is:\n"
                                        + region);
                    }
                }
            }
            if (copied > 0) {
                rewritten.append(text.substring(copied));
                DocsPages.write(page, rewritten.toString());
            }
        }
        assertThat(problems)
                .as(
                        "Java samples in the docs must be compiled sample regions. Fix the marker"
                                + " or the sample source; to copy the sources' regions into the"
                                + " docs run: %s",
                        DocsPages.REGENERATE_COMMAND)
                .isEmpty();
    }

    @Test
    void everySampleRegionIsUsedInTheDocs() {
        Map<String, String> regions = SampleSources.regions();
        List<String> used = new ArrayList<>();
        for (Path page : DocsPages.allPages()) {
            for (FencedBlock block :
                    FencedBlock.parse(DocsPages.name(page), DocsPages.read(page))) {
                if (block.markerValue("sample") != null) {
                    used.add(block.markerValue("sample"));
                }
            }
        }
        assertThat(used).as("sample regions used by the docs").containsAll(regions.keySet());
    }
}
