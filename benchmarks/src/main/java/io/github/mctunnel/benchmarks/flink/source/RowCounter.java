package io.github.mctunnel.benchmarks.flink.source;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/** Passes records through and counts them in the job's accumulator {@link #ACCUMULATOR}. */
final class RowCounter<T> extends RichMapFunction<T, T> {

    static final String ACCUMULATOR = "rows";
    private static final long serialVersionUID = 1L;

    private transient LongCounter rows;

    @Override
    public void open(OpenContext context) {
        rows = new LongCounter();
        getRuntimeContext().addAccumulator(ACCUMULATOR, rows);
    }

    @Override
    public T map(T value) {
        rows.add(1);
        return value;
    }
}
