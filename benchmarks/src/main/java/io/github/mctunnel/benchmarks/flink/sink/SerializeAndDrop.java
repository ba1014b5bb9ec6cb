package io.github.mctunnel.benchmarks.flink.sink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * The discarding variant's stand-in for a sink writer: it does the record-serialization work a
 * Tunnel sink's writer does per element (the values of the row), then the element goes to Flink's
 * discarding sink. The job's rate is then the pipeline's own limit.
 */
final class SerializeAndDrop extends RichMapFunction<Long, Long> {

    private static final long serialVersionUID = 1L;

    private final EventRowSerializer serializer = new EventRowSerializer();
    private transient long checksum;

    @Override
    public void open(OpenContext openContext) {
        serializer.open(null, false);
    }

    @Override
    public Long map(Long index) {
        checksum += serializer.serialize(index, (Object[]) null).length;
        return index;
    }

    @Override
    public void close() {
        if (checksum < 0) {
            throw new IllegalStateException("unreachable: keeps the serialization alive");
        }
    }
}
