package io.github.mctunnel.benchmarks.suite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ResultTableTest {

    private static final List<BenchmarkResult> RESULTS =
            List.of(
                    BenchmarkResult.compared(
                            "codec", "encode wide none", 2_345_678, "rec/s", "SDK", 1_000_000, 1.5),
                    BenchmarkResult.compared(
                                    "limits", "sink 2 slots", 17.5, "MB/s", "2 x 10 MB/s", 20, 0.9)
                            .withNote("the emulator paces each request"),
                    BenchmarkResult.of("codec", "encode wide none alloc", 0.02, "B/rec"));

    @Test
    void markdownHasOneRowPerFigureWithRatioAndGoalVerdict() {
        assertThat(new ResultTable(RESULTS).markdown())
                .isEqualTo(
                        "| group | measurement | value | unit | compared with | reference | ratio |"
                                + " goal |\n"
                                + "|---|---|---:|---|---|---:|---:|---|\n"
                                + "| codec | encode wide none | 2,345,678 | rec/s | SDK | 1,000,000 |"
                                + " 2.35x | >= 1.5x met |\n"
                                + "| limits | sink 2 slots | 17.5 | MB/s | 2 x 10 MB/s | 20.0 |"
                                + " 0.88x | >= 90% NOT met |\n"
                                + "| codec | encode wide none alloc | 0.02 | B/rec |  |  |  |  |\n");
    }

    @Test
    void textTableAlignsColumnsAndListsNotes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ResultTable(RESULTS).print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).startsWith("group   measurement ");
        assertThat(lines.get(2)).contains("2,345,678").endsWith(">= 1.5x met");
        assertThat(lines.get(3)).endsWith(">= 90% NOT met");
        assertThat(lines.get(5))
                .isEqualTo("* limits / sink 2 slots: the emulator paces each request");
        // the value column is right-aligned: both values end at the same position
        assertThat(lines.get(2).indexOf("2,345,678") + "2,345,678".length())
                .isEqualTo(lines.get(3).indexOf("17.5") + "17.5".length());
    }

    @Test
    void chartDrawsOneBarPerGoalColouredByVerdict(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("goals.png");
        RatioChart chart = new RatioChart(RESULTS);
        assertThat(chart.isEmpty()).isFalse();
        chart.write(png, "test");

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1000);
        // two bars (the allocation figure has no goal): 56 px header + 2 x 22 px + 40 px axis
        assertThat(image.getHeight()).isEqualTo(56 + 2 * 22 + 40);
        // the met goal's bar is green, the missed one's red; the longer ratio, the longer bar
        int greenInFirst = pixels(image, 56 + 11, 0x2E7D32);
        int redInSecond = pixels(image, 56 + 22 + 11, 0xC62828);
        assertThat(pixels(image, 56 + 11, 0xC62828)).isZero();
        assertThat(pixels(image, 56 + 22 + 11, 0x2E7D32)).isZero();
        assertThat(redInSecond).isPositive();
        assertThat((double) greenInFirst / redInSecond).isCloseTo(2.345678 / 0.875, within(0.05));
    }

    private static int pixels(BufferedImage image, int y, int rgb) {
        int n = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                n++;
            }
        }
        return n;
    }
}
