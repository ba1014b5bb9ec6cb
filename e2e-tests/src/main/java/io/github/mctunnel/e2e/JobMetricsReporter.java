package io.github.mctunnel.e2e;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Properties;

/**
 * A Flink metric reporter that hands the metrics of the local cluster to {@link JobMetrics}, where
 * the quickstart's progress line reads them. Enabled by {@link #enable(Configuration)}.
 */
public final class JobMetricsReporter implements MetricReporter {

    /** Adds this reporter to the configuration of a local execution environment. */
    static void enable(Configuration conf) {
        conf.setString("metrics.reporter.quickstart.factory.class", Factory.class.getName());
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        JobMetrics.register(metric, metricName, group.getAllVariables());
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        // kept: the final values of a finished job are read after it ended
    }

    /** Creates the reporter; named in the Flink configuration. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new JobMetricsReporter();
        }
    }
}
