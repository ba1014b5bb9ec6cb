package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.schema.Column;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Converts Flink {@link RowData} into the record values of the Tunnel codec ({@code Object[]} in
 * column order, see the codec's Java value mapping). Built once per table schema: field positions,
 * getters and value converters are resolved up front, so {@link #convert} does no lookups.
 *
 * <p>Each column is matched to the row field of the same name (case-insensitive); row fields that
 * are not columns (partition columns, for example) are not written.
 */
@PublicEvolving
public final class RowDataToRecordConverter {

    private final String[] columnNames;
    private final RowData.FieldGetter[] getters;
    private final ToTunnelValue[] converters;
    private final boolean[] notNull;

    private RowDataToRecordConverter(
            String[] columnNames,
            RowData.FieldGetter[] getters,
            ToTunnelValue[] converters,
            boolean[] notNull) {
        this.columnNames = columnNames;
        this.getters = getters;
        this.converters = converters;
        this.notNull = notNull;
    }

    /**
     * Builds the converter for rows of {@code rowType} written to {@code columns}.
     *
     * @throws IllegalArgumentException when a column has no field of its name in the row type, or
     *     when a field's type cannot be written to its column's type; the message names the column
     */
    public static RowDataToRecordConverter create(RowType rowType, List<Column> columns) {
        return create(rowType, columns, null);
    }

    /**
     * Builds the converter for rows of {@code rowType} written to {@code columns}, taking {@code
     * TIMESTAMP} (no zone) fields written to {@code DATETIME} or {@code TIMESTAMP} columns as
     * wall-clock times in {@code zone} (the SQL session time zone; as Flink's {@code CAST(ts AS
     * TIMESTAMP_LTZ)}).
     *
     * @param zone the time zone of {@code TIMESTAMP} fields, or null to refuse them for {@code
     *     DATETIME} and {@code TIMESTAMP} columns
     * @throws IllegalArgumentException when a column has no field of its name in the row type, or
     *     when a field's type cannot be written to its column's type; the message names the column
     */
    public static RowDataToRecordConverter create(
            RowType rowType, List<Column> columns, ZoneId zone) {
        Map<String, Integer> fieldIndex = new HashMap<>();
        List<String> fieldNames = rowType.getFieldNames();
        for (int i = 0; i < fieldNames.size(); i++) {
            fieldIndex.putIfAbsent(fieldNames.get(i).toLowerCase(Locale.ROOT), i);
        }
        int n = columns.size();
        String[] names = new String[n];
        RowData.FieldGetter[] getters = new RowData.FieldGetter[n];
        ToTunnelValue[] converters = new ToTunnelValue[n];
        boolean[] notNull = new boolean[n];
        for (int c = 0; c < n; c++) {
            Column column = columns.get(c);
            Integer field = fieldIndex.get(column.name().toLowerCase(Locale.ROOT));
            if (field == null) {
                throw new IllegalArgumentException(
                        "Column '"
                                + column.name()
                                + "' of the table has no field in the row type "
                                + new ArrayList<>(fieldNames));
            }
            names[c] = column.name();
            getters[c] = RowData.createFieldGetter(rowType.getTypeAt(field), field);
            converters[c] =
                    ToTunnelValue.create(
                            column.name(), rowType.getTypeAt(field), column.type(), zone);
            notNull[c] = !column.nullable();
        }
        return new RowDataToRecordConverter(names, getters, converters, notNull);
    }

    /** Number of values {@link #convert} writes. */
    public int columnCount() {
        return converters.length;
    }

    /**
     * Writes the record values of {@code row} into {@code target} (length at least {@link
     * #columnCount()}), which is returned.
     *
     * @throws ValueConversionException naming the column and value that do not fit
     */
    public Object[] convert(RowData row, Object[] target) {
        for (int c = 0; c < converters.length; c++) {
            Object v = getters[c].getFieldOrNull(row);
            if (v == null) {
                if (notNull[c]) {
                    throw new ValueConversionException(
                            columnNames[c],
                            "Column '" + columnNames[c] + "' is NOT NULL, but the value is NULL");
                }
                target[c] = null;
            } else {
                target[c] = converters[c].convert(v);
            }
        }
        return target;
    }

    /** Converts {@code row} into a new array. */
    public Object[] convert(RowData row) {
        return convert(row, new Object[converters.length]);
    }
}
