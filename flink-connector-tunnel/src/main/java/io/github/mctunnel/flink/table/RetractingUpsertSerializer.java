package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.convert.RowDataRecordWriter;
import io.github.mctunnel.flink.upsert.RowDataUpsertRecordSerializer;
import io.github.mctunnel.flink.upsert.UpsertRecordSerializer;

import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;

import java.time.ZoneId;

/**
 * The upsert serializer of SQL PRIMARY KEY tables: like {@link RowDataUpsertRecordSerializer}, but
 * an UPDATE_BEFORE deletes its key instead of being dropped, and {@code TIMESTAMP} (no zone) fields
 * of {@code DATETIME}/{@code TIMESTAMP} columns are taken in the session time zone. The planner
 * sends UPDATE_BEFORE to an upsert sink only when the matching UPDATE_AFTER may never come (e.g. a
 * {@code HAVING} or {@code WHERE} over an aggregate that the new value no longer passes); when it
 * does come, it follows on the same key and writer and upserts the row again.
 */
final class RetractingUpsertSerializer implements UpsertRecordSerializer<RowData> {

    private static final long serialVersionUID = 1L;

    private final RowType rowType;
    private final ZoneId timeZone;
    private transient RowDataRecordWriter writer;

    RetractingUpsertSerializer(RowType rowType, ZoneId timeZone) {
        this.rowType = rowType;
        this.timeZone = timeZone;
    }

    @Override
    public void open(TableSchema columns) {
        writer = RowDataRecordWriter.create(rowType, columns.columns(), timeZone);
    }

    @Override
    public RowKind kind(RowData element) {
        RowKind kind = element.getRowKind();
        return kind == RowKind.UPDATE_BEFORE ? RowKind.DELETE : kind;
    }

    @Override
    public void serialize(RowData element, RecordFieldWriter record) {
        if (writer == null) {
            throw new IllegalStateException("open(columns) was not called");
        }
        writer.write(element, record);
    }
}
