package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.schema.Column;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.types.logical.RowType;

import java.time.ZoneId;
import java.util.List;

/**
 * Converts Tunnel record values ({@code Object[]} as the codec returns them, in column order) into
 * Flink {@link GenericRowData}. Built once per schema: field {@code i} of the row type is read from
 * column {@code i}.
 */
@PublicEvolving
public final class RecordToRowDataConverter {

    private final String[] columnNames;
    private final ToFlinkValue[] converters;
    private final boolean[] notNull;

    private RecordToRowDataConverter(
            String[] columnNames, ToFlinkValue[] converters, boolean[] notNull) {
        this.columnNames = columnNames;
        this.converters = converters;
        this.notNull = notNull;
    }

    /**
     * Builds the converter reading {@code columns} into rows of {@code rowType}, by position.
     *
     * @throws IllegalArgumentException when the counts differ or a column cannot be read as its
     *     field's type; the message names the column
     */
    public static RecordToRowDataConverter create(List<Column> columns, RowType rowType) {
        return create(columns, rowType, null);
    }

    /**
     * Builds the converter reading {@code columns} into rows of {@code rowType}, by position;
     * {@code DATETIME} and {@code TIMESTAMP} columns read into {@code TIMESTAMP} (no zone) fields
     * get the instant's wall-clock reading in {@code zone} (the SQL session time zone; as Flink's
     * {@code CAST(ltz AS TIMESTAMP)}).
     *
     * @param zone the time zone of {@code TIMESTAMP} fields, or null to refuse them for {@code
     *     DATETIME} and {@code TIMESTAMP} columns
     * @throws IllegalArgumentException when the counts differ or a column cannot be read as its
     *     field's type; the message names the column
     */
    public static RecordToRowDataConverter create(
            List<Column> columns, RowType rowType, ZoneId zone) {
        if (columns.size() != rowType.getFieldCount()) {
            throw new IllegalArgumentException(
                    "The row type "
                            + rowType.asSummaryString()
                            + " has "
                            + rowType.getFieldCount()
                            + " fields, but "
                            + columns.size()
                            + " columns are read");
        }
        int n = columns.size();
        String[] names = new String[n];
        ToFlinkValue[] converters = new ToFlinkValue[n];
        boolean[] notNull = new boolean[n];
        for (int i = 0; i < n; i++) {
            Column c = columns.get(i);
            names[i] = c.name();
            converters[i] = ToFlinkValue.create(c.name(), c.type(), rowType.getTypeAt(i), zone);
            notNull[i] = !rowType.getTypeAt(i).isNullable();
        }
        return new RecordToRowDataConverter(names, converters, notNull);
    }

    /** Builds the converter for {@code columns} read into their canonical Flink types. */
    public static RecordToRowDataConverter create(List<Column> columns) {
        return create(columns, TunnelTypeMapping.toRowType(columns));
    }

    /**
     * Converts one record into a new row.
     *
     * @throws ValueConversionException naming the column and value that cannot be read
     */
    public GenericRowData convert(Object[] values) {
        GenericRowData row = new GenericRowData(converters.length);
        for (int i = 0; i < converters.length; i++) {
            Object v = values[i];
            if (v == null) {
                if (notNull[i]) {
                    throw new ValueConversionException(
                            columnNames[i],
                            "Column '"
                                    + columnNames[i]
                                    + "' is read as a NOT NULL field, but the value is NULL");
                }
            } else {
                row.setField(i, converters[i].convert(v));
            }
        }
        return row;
    }
}
