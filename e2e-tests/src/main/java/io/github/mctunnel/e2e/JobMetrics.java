package io.github.mctunnel.e2e;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The live Flink metrics of the jobs running in this JVM, as registered with the local cluster's
 * metric registry by {@link JobMetricsReporter}. Metrics stay readable after their job ended (a
 * counter keeps its last value), so a finished job's totals can still be summed.
 */
final class JobMetrics {

    private static final Queue<Registered> METRICS = new ConcurrentLinkedQueue<>();

    private JobMetrics() {}

    /** One metric: its name, the job it belongs to and the operator, if any. */
    private record Registered(String jobId, String operator, String name, Metric metric) {}

    static void register(Metric metric, String name, Map<String, String> scope) {
        String jobId = scope.get("<job_id>");
        if (jobId != null) {
            String operator = scope.getOrDefault("<operator_name>", "");
            METRICS.add(new Registered(jobId, operator, name, metric));
        }
    }

    /**
     * The sum over all subtasks of a counter or numeric gauge of a job.
     *
     * @param operatorPrefix only operators whose name starts with this (Flink SQL names a sink's
     *     operators after its table, e.g. {@code orders[3]: Writer}); "" for every scope, including
     *     the job's own metrics on the JobManager
     */
    static long sum(String jobId, String name, String operatorPrefix) {
        long sum = 0;
        for (Registered r : METRICS) {
            if (r.jobId.equals(jobId)
                    && r.name.equals(name)
                    && r.operator.startsWith(operatorPrefix)) {
                sum += valueOf(r.metric);
            }
        }
        return sum;
    }

    private static long valueOf(Metric metric) {
        if (metric instanceof Counter c) {
            return c.getCount();
        }
        if (metric instanceof Gauge<?> g && g.getValue() instanceof Number n) {
            return n.longValue();
        }
        return 0;
    }
}
