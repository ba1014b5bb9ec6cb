package io.github.mctunnel.benchmarks.suite;

import java.nio.file.Path;

/**
 * Settings of one suite run.
 *
 * @param smoke run every measurement as briefly as possible (CI)
 * @param outputDir where results, the report and the charts are written
 */
public record SuiteSettings(boolean smoke, Path outputDir) {}
