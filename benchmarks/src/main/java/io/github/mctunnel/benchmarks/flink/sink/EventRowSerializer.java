package io.github.mctunnel.benchmarks.flink.sink;

import io.github.mctunnel.benchmarks.data.EventRows;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.sink.ObjectArrayRecordSerializer;

/**
 * Turns a generated index into the values of an {@link EventRows} row (the rows are built once per
 * writer and cycled), so that producing a record costs next to nothing and the sink's own work is
 * what is measured: the {@code Object[]} path ({@link ObjectArrayRecordSerializer}), the contract
 * of earlier versions.
 */
final class EventRowSerializer extends ObjectArrayRecordSerializer<Long> {

    private static final long serialVersionUID = 1L;

    /** Distinct rows cycled, as {@code EventTable} loads them. */
    static final int DISTINCT_ROWS = 50_000;

    private transient EventRows rows;

    @Override
    public void open(TableSchema schema, boolean withPartitionValues) {
        rows = EventRows.generate(DISTINCT_ROWS, 1, 1);
    }

    @Override
    public Object[] serialize(Long index, Object[] reuse) {
        if (rows == null) {
            open(null, false);
        }
        return rows.row((int) (index % DISTINCT_ROWS));
    }
}
