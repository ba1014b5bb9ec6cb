package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.convert.RowDataToRecordConverter;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import java.util.ArrayList;
import java.util.List;

/**
 * The serializer for {@link RowData}: each table column (and, for dynamic partitioning, each
 * partition key) takes the row field of the same name, case-insensitively. Types are checked
 * against the table when the writer opens, and values are converted by a {@link
 * RowDataToRecordConverter} built once.
 */
@PublicEvolving
public final class RowDataTunnelRecordSerializer implements TunnelRecordSerializer<RowData> {

    private static final long serialVersionUID = 1L;

    private final RowType rowType;
    private transient RowDataToRecordConverter converter;

    public RowDataTunnelRecordSerializer(RowType rowType) {
        this.rowType = rowType;
    }

    public RowType rowType() {
        return rowType;
    }

    @Override
    public void open(TableSchema schema, boolean withPartitionValues) {
        List<Column> columns = new ArrayList<>(schema.columns());
        if (withPartitionValues) {
            columns.addAll(schema.partitionKeys());
        }
        converter = RowDataToRecordConverter.create(rowType, columns);
    }

    @Override
    public Object[] serialize(RowData element, Object[] reuse) {
        if (converter == null) {
            throw new IllegalStateException("open(schema) was not called");
        }
        return converter.convert(element, reuse);
    }
}
