package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.convert.RowDataRecordWriter;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The serializer for {@link RowData}: each table column (and, for dynamic partitioning, each
 * partition key) takes the row field of the same name, case-insensitively. Types are checked
 * against the table when the writer opens, and the fields are written straight from the row's
 * memory (no {@code Object[]}, strings as their UTF-8 bytes) by a {@link RowDataRecordWriter} built
 * once.
 */
@PublicEvolving
public final class RowDataTunnelRecordSerializer implements TunnelRecordSerializer<RowData> {

    private static final long serialVersionUID = 1L;

    private final RowType rowType;
    private final ZoneId timeZone;
    private transient RowDataRecordWriter writer;

    /**
     * Writes rows of {@code rowType}; {@code DATETIME} and {@code TIMESTAMP} columns take {@code
     * TIMESTAMP_LTZ} fields only.
     */
    public RowDataTunnelRecordSerializer(RowType rowType) {
        this(rowType, null);
    }

    /**
     * Writes rows of {@code rowType}; {@code DATETIME} and {@code TIMESTAMP} columns also take
     * {@code TIMESTAMP} (no zone) fields, whose wall-clock reading is taken as a time in {@code
     * timeZone} (what Flink SQL's {@code CAST(ts AS TIMESTAMP_LTZ)} does in the session time zone).
     *
     * @param timeZone the zone of {@code TIMESTAMP} fields, or null to refuse them for those
     *     columns
     */
    public RowDataTunnelRecordSerializer(RowType rowType, ZoneId timeZone) {
        this.rowType = rowType;
        this.timeZone = timeZone;
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
        writer = RowDataRecordWriter.create(rowType, columns, timeZone);
    }

    @Override
    public void serialize(RowData element, RecordFieldWriter record) {
        if (writer == null) {
            throw new IllegalStateException("open(schema) was not called");
        }
        writer.write(element, record);
    }
}
