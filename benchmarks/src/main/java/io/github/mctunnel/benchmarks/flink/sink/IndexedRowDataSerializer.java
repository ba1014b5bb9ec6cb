package io.github.mctunnel.benchmarks.flink.sink;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.sink.RowDataTunnelRecordSerializer;
import io.github.mctunnel.flink.sink.TunnelRecordSerializer;

/**
 * The SQL path of a sink: a generated index picks one of the {@link EventRowData} rows (built once
 * per writer and cycled), and the connector's own {@link RowDataTunnelRecordSerializer} (what a
 * {@code INSERT INTO} a {@code 'connector' = 'maxcompute'} table runs) writes it into the record.
 */
final class IndexedRowDataSerializer implements TunnelRecordSerializer<Long> {

    private static final long serialVersionUID = 1L;

    private final RowDataTunnelRecordSerializer sql =
            new RowDataTunnelRecordSerializer(EventRowData.ROW_TYPE);
    private transient EventRowData rows;

    @Override
    public void open(TableSchema schema, boolean withPartitionValues) {
        sql.open(schema, withPartitionValues);
        rows = EventRowData.generate(EventRowSerializer.DISTINCT_ROWS);
    }

    @Override
    public void serialize(Long index, RecordFieldWriter record) {
        sql.serialize(rows.row((int) (index % rows.size())), record);
    }
}
