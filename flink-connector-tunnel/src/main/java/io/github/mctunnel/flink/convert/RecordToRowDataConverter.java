package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TypeInfo;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.types.logical.RowType;

import java.time.ZoneId;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Converts Tunnel records into Flink {@link GenericRowData}: a {@link RecordView} read column by
 * column, or the values ({@code Object[]} as the codec returns them, in column order). Built once
 * per schema: field {@code i} of the row type is read from column {@code i}.
 */
@PublicEvolving
public final class RecordToRowDataConverter {

    private final String[] columnNames;
    private final TypeInfo[] columnTypes;
    private final ToFlinkValue[] converters;
    private final ViewToFlinkValue[] readers;
    private final boolean[] notNull;
    private final RowStrings strings;

    private RecordToRowDataConverter(
            String[] columnNames,
            TypeInfo[] columnTypes,
            ToFlinkValue[] converters,
            ViewToFlinkValue[] readers,
            boolean[] notNull,
            RowStrings strings) {
        this.columnNames = columnNames;
        this.columnTypes = columnTypes;
        this.converters = converters;
        this.readers = readers;
        this.notNull = notNull;
        this.strings = strings;
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
        TypeInfo[] types = new TypeInfo[n];
        ToFlinkValue[] converters = new ToFlinkValue[n];
        ViewToFlinkValue[] readers = new ViewToFlinkValue[n];
        boolean[] notNull = new boolean[n];
        RowStrings strings =
                new RowStrings(
                        IntStream.range(0, n)
                                .filter(i -> ViewToFlinkValue.isCharacter(columns.get(i).type()))
                                .toArray());
        for (int i = 0; i < n; i++) {
            Column c = columns.get(i);
            names[i] = c.name();
            types[i] = c.type();
            converters[i] = ToFlinkValue.create(c.name(), c.type(), rowType.getTypeAt(i), zone);
            readers[i] =
                    ViewToFlinkValue.create(
                            c.name(), c.type(), rowType.getTypeAt(i), zone, strings);
            notNull[i] = !rowType.getTypeAt(i).isNullable();
        }
        return new RecordToRowDataConverter(names, types, converters, readers, notNull, strings);
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

    /**
     * Converts one record, read column by column without its boxed Java values (strings from their
     * UTF-8 bytes, one copy per row; compact decimals from their unscaled value, ...), into a new
     * row. Gives the same row as {@link #convert(Object[])} of the record's values. Unlike that
     * method, not thread-safe (it keeps the row's string bytes while converting).
     *
     * @throws ValueConversionException naming the column and value that cannot be read
     */
    public GenericRowData convert(RecordView record) {
        GenericRowData row = new GenericRowData(readers.length);
        strings.start(record);
        int i = 0;
        try {
            for (; i < readers.length; i++) {
                if (!record.isNull(i)) {
                    row.setField(i, readers[i].read(record, i));
                } else if (notNull[i]) {
                    throw notNullViolated(i);
                }
            }
        } catch (IllegalStateException
                | ClassCastException
                | ArithmeticException
                | java.time.DateTimeException e) {
            throw ViewToFlinkValue.failed(columnNames[i], columnTypes[i], record, i, e);
        }
        return row;
    }

    /**
     * Like {@link #convert(RecordView)}, into fields of a given row: column {@code i} into field
     * {@code positions[i]}; other fields are left as they are.
     *
     * @param positions one field index of {@code row} per column
     * @throws ValueConversionException naming the column and value that cannot be read
     */
    public void convertInto(RecordView record, GenericRowData row, int[] positions) {
        strings.start(record);
        int i = 0;
        try {
            for (; i < readers.length; i++) {
                if (!record.isNull(i)) {
                    row.setField(positions[i], readers[i].read(record, i));
                } else if (notNull[i]) {
                    throw notNullViolated(i);
                } else {
                    row.setField(positions[i], null);
                }
            }
        } catch (IllegalStateException
                | ClassCastException
                | ArithmeticException
                | java.time.DateTimeException e) {
            throw ViewToFlinkValue.failed(columnNames[i], columnTypes[i], record, i, e);
        }
    }

    private ValueConversionException notNullViolated(int column) {
        return new ValueConversionException(
                columnNames[column],
                "Column '"
                        + columnNames[column]
                        + "' is read as a NOT NULL field, but the value is NULL");
    }
}
