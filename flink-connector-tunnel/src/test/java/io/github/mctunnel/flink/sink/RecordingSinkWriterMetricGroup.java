package io.github.mctunnel.flink.sink;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.OperatorIOMetricGroup;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** A sink writer metric group that keeps every metric registered on it, by name. */
final class RecordingSinkWriterMetricGroup extends UnregisteredMetricsGroup
        implements SinkWriterMetricGroup {

    final Map<String, Metric> metrics = new ConcurrentHashMap<>();

    @Override
    public Counter counter(String name) {
        return counter(name, new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        metrics.put(name, counter);
        return counter;
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        metrics.put(name, gauge);
        return gauge;
    }

    @Override
    public MetricGroup addGroup(String name) {
        return this;
    }

    @Override
    public OperatorIOMetricGroup getIOMetricGroup() {
        return UnregisteredMetricsGroup.createOperatorIOMetricGroup();
    }

    @Override
    public Counter getNumRecordsOutErrorsCounter() {
        return (Counter) metrics.computeIfAbsent("numRecordsOutErrors", n -> new SimpleCounter());
    }

    @Override
    public Counter getNumRecordsSendErrorsCounter() {
        return (Counter) metrics.computeIfAbsent("numRecordsSendErrors", n -> new SimpleCounter());
    }

    @Override
    public Counter getNumRecordsSendCounter() {
        return (Counter) metrics.computeIfAbsent("numRecordsSend", n -> new SimpleCounter());
    }

    @Override
    public Counter getNumBytesSendCounter() {
        return (Counter) metrics.computeIfAbsent("numBytesSend", n -> new SimpleCounter());
    }

    @Override
    public void setCurrentSendTimeGauge(Gauge<Long> currentSendTimeGauge) {
        metrics.put("currentSendTime", currentSendTimeGauge);
    }

    long count(String name) {
        assertThat(metrics).containsKey(name);
        return ((Counter) metrics.get(name)).getCount();
    }

    Object value(String name) {
        assertThat(metrics).containsKey(name);
        return ((Gauge<?>) metrics.get(name)).getValue();
    }
}
