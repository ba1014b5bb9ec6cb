package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.convert.RowDataRecordWriter;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;

/**
 * The upsert serializer for {@link RowData}: the change kind is the row's {@link RowKind}, and each
 * column takes the row field of the same name, case-insensitively (types are checked when opened).
 */
@PublicEvolving
public final class RowDataUpsertRecordSerializer implements UpsertRecordSerializer<RowData> {

    private static final long serialVersionUID = 1L;

    private final RowType rowType;
    private transient RowDataRecordWriter writer;

    public RowDataUpsertRecordSerializer(RowType rowType) {
        this.rowType = rowType;
    }

    public RowType rowType() {
        return rowType;
    }

    @Override
    public void open(TableSchema columns) {
        writer = RowDataRecordWriter.create(rowType, columns.columns(), null);
    }

    @Override
    public RowKind kind(RowData element) {
        return element.getRowKind();
    }

    @Override
    public void serialize(RowData element, RecordFieldWriter record) {
        if (writer == null) {
            throw new IllegalStateException("open(columns) was not called");
        }
        writer.write(element, record);
    }
}
