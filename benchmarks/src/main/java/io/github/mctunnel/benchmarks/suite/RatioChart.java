package io.github.mctunnel.benchmarks.suite;

import javax.imageio.ImageIO;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws every figure that has a goal as a horizontal bar of its ratio to what it is compared with
 * (ours / SDK, sink / discarding sink, throughput / bandwidth cap), with the goal marked on each
 * bar: green when met, red when not. One picture of where the connector stands against the goals.
 */
public final class RatioChart {

    private static final int WIDTH = 1000;
    private static final int ROW = 22;
    private static final int TOP = 56;
    private static final int BOTTOM = 40;
    private static final Color MET = new Color(0x2E7D32);
    private static final Color NOT_MET = new Color(0xC62828);
    private static final Color GOAL = new Color(0x212121);
    private static final Color GRID = new Color(0xE0E0E0);

    private final List<BenchmarkResult> bars = new ArrayList<>();

    public RatioChart(List<BenchmarkResult> results) {
        for (BenchmarkResult r : results) {
            if (r.hasGoal() && !Double.isNaN(r.ratio()) && !Double.isInfinite(r.ratio())) {
                bars.add(r);
            }
        }
    }

    /** Whether there is anything to draw. */
    public boolean isEmpty() {
        return bars.isEmpty();
    }

    /** Writes the chart as a PNG. */
    public void write(Path png, String title) throws IOException {
        int height = TOP + bars.size() * ROW + BOTTOM;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            draw(g, height, title);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private void draw(Graphics2D g, int height, String title) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        Font label = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        g.setFont(label);
        FontMetrics fm = g.getFontMetrics();
        int labelWidth = 0;
        for (BenchmarkResult r : bars) {
            labelWidth = Math.max(labelWidth, fm.stringWidth(label(r)));
        }
        int left = Math.min(labelWidth + 16, WIDTH * 3 / 5);
        int right = WIDTH - 60;
        double max = 1.0;
        for (BenchmarkResult r : bars) {
            max = Math.max(max, Math.max(r.ratio(), r.goalRatio()));
        }
        max = Math.ceil(max * 1.1 * 2) / 2; // a round axis end, in halves
        double scale = (right - left) / max;

        g.setColor(GOAL);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, 12, 24);
        g.setFont(label);
        g.drawString(
                "ratio to the compared figure; black tick = the issue's goal; green = met, red ="
                        + " not met",
                12,
                42);

        int plotBottom = TOP + bars.size() * ROW;
        double step = max <= 2 ? 0.25 : max <= 5 ? 0.5 : 1;
        for (double x = 0; x <= max + 1e-9; x += step) {
            int px = left + (int) Math.round(x * scale);
            g.setColor(GRID);
            g.drawLine(px, TOP - 4, px, plotBottom);
            g.setColor(GOAL);
            String tick = String.format(Locale.ROOT, "%.2gx", x);
            g.drawString(tick, px - fm.stringWidth(tick) / 2, plotBottom + 16);
        }
        for (int i = 0; i < bars.size(); i++) {
            BenchmarkResult r = bars.get(i);
            int y = TOP + i * ROW;
            g.setColor(GOAL);
            String text = label(r);
            g.drawString(
                    text, left - 8 - fm.stringWidth(text), y + ROW / 2 + fm.getAscent() / 2 - 2);
            int w = (int) Math.round(r.ratio() * scale);
            g.setColor(r.goalMet() ? MET : NOT_MET);
            g.fillRect(left, y + 4, Math.max(w, 1), ROW - 8);
            int goalX = left + (int) Math.round(r.goalRatio() * scale);
            g.setColor(GOAL);
            g.setStroke(new BasicStroke(2));
            g.drawLine(goalX, y + 1, goalX, y + ROW - 1);
            g.setStroke(new BasicStroke(1));
            String value = String.format(Locale.ROOT, "%.2fx", r.ratio());
            g.drawString(value, left + w + 4, y + ROW / 2 + fm.getAscent() / 2 - 2);
        }
    }

    private static String label(BenchmarkResult r) {
        return r.group() + ": " + r.name() + " vs " + r.reference();
    }
}
