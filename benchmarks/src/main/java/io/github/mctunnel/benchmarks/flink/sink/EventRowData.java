package io.github.mctunnel.benchmarks.flink.sink;

import io.github.mctunnel.benchmarks.data.EventRows;
import io.github.mctunnel.flink.convert.RecordToRowDataConverter;
import io.github.mctunnel.flink.convert.TunnelTypeMapping;

import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.RowType;

/**
 * The {@link EventRows} as the SQL planner hands them to a sink: {@link BinaryRowData} (strings as
 * UTF-8 bytes in memory segments, decimals compact, timestamps as millis plus nanos), of the row
 * type the connector derives from the table's columns.
 */
public final class EventRowData {

    /** The table's row type (the type a {@code CREATE TABLE} over the table declares). */
    public static final RowType ROW_TYPE = TunnelTypeMapping.toRowType(EventRows.COLUMNS);

    private final BinaryRowData[] rows;

    private EventRowData(BinaryRowData[] rows) {
        this.rows = rows;
    }

    /** The rows of {@code EventRows.generate(size, 1, 1)}, each converted once. */
    public static EventRowData generate(int size) {
        EventRows source = EventRows.generate(size, 1, 1);
        RecordToRowDataConverter toRowData = RecordToRowDataConverter.create(EventRows.COLUMNS);
        RowDataSerializer binary = new RowDataSerializer(ROW_TYPE);
        BinaryRowData[] rows = new BinaryRowData[size];
        for (int i = 0; i < size; i++) {
            rows[i] = binary.toBinaryRow(toRowData.convert(source.row(i))).copy();
        }
        return new EventRowData(rows);
    }

    public int size() {
        return rows.length;
    }

    public RowData row(int i) {
        return rows[i];
    }
}
