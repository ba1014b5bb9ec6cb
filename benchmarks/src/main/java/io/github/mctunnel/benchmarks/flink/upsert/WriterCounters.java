package io.github.mctunnel.benchmarks.flink.upsert;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * A Flink metric reporter (listed in {@code META-INF/services}) that keeps the counters of the
 * upsert sink's writers: {@code numRecordsSend} (records handed to the service), {@code
 * changesCompacted} (changes a later change of their key replaced before they were sent) and {@code
 * numRecordsSkipped}. Counters keep their final values after the job ended; one job at a time.
 */
public final class WriterCounters implements MetricReporter, MetricReporterFactory {

    static final String SENT = "numRecordsSend";
    static final String COMPACTED = "changesCompacted";
    static final String SKIPPED = "numRecordsSkipped";

    private static final Set<String> NAMES = Set.of(SENT, COMPACTED, SKIPPED);

    private static final List<Named> COUNTERS = new ArrayList<>();

    private record Named(String name, Counter counter) {}

    /** Adds this reporter to the configuration of a local environment. */
    static void enable(Configuration conf) {
        conf.setString(
                "metrics.reporter.upsertbench.factory.class", WriterCounters.class.getName());
    }

    /** Forgets the counters of earlier jobs. */
    static synchronized void reset() {
        COUNTERS.clear();
    }

    /** The sum of the counters named {@code name} over every subtask (each counter once). */
    static synchronized long sum(String name) {
        long sum = 0;
        List<Counter> seen = new ArrayList<>();
        for (Named n : COUNTERS) {
            if (n.name.equals(name) && seen.stream().noneMatch(c -> c == n.counter)) {
                seen.add(n.counter);
                sum += n.counter.getCount();
            }
        }
        return sum;
    }

    /** How many counters named {@code name} were registered (one per writer subtask). */
    static synchronized int count(String name) {
        List<Counter> seen = new ArrayList<>();
        for (Named n : COUNTERS) {
            if (n.name.equals(name) && seen.stream().noneMatch(c -> c == n.counter)) {
                seen.add(n.counter);
            }
        }
        return seen.size();
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new WriterCounters();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (NAMES.contains(name) && metric instanceof Counter counter) {
            synchronized (WriterCounters.class) {
                COUNTERS.add(new Named(name, counter));
            }
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // kept: the final values are read after the job ended
    }
}
