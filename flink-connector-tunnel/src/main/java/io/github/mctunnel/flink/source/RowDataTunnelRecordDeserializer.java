package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.convert.RecordToBinaryRowConverter;
import io.github.mctunnel.flink.convert.RecordToRowDataConverter;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads records into {@link RowData} of a given {@link RowType}, matching fields to the table by
 * name: a field named like a data column is downloaded (so the row type is the column projection)
 * and converted with the connector's type mapping ({@code convert.TunnelTypeMapping}); a field
 * named like a partition key gets the record's partition value (as STRING/VARCHAR/CHAR, or parsed
 * as BIGINT/INT/SMALLINT/TINYINT).
 *
 * <p>Rows read from a {@link RecordView} are {@link
 * org.apache.flink.table.data.binary.BinaryRowData} (one array per row, no object per value) unless
 * a field's type needs the generic form (ARRAY, MAP, ROW; a {@code TIMESTAMP} or {@code
 * TIMESTAMP_NTZ} column read at a precision of 3 or less, whose nanos only the generic row keeps),
 * then {@link GenericRowData} as from {@code Object[]} values; decided per table at {@link #open}.
 * Both hold the same values.
 *
 * <p>{@link RowData} needs the planner's type information ({@code InternalTypeInfo.of(rowType)}
 * from flink-table-runtime, or {@code context.createTypeInformation(..)} in a table source); pass
 * it to the two-argument constructor. Without it the rows are serialized generically, which works
 * only where rows are never serialized (chained operators with object reuse).
 */
@PublicEvolving
public final class RowDataTunnelRecordDeserializer implements TunnelRecordDeserializer<RowData> {

    private static final long serialVersionUID = 1L;

    private final RowType rowType;
    private final TypeInformation<RowData> typeInfo;
    private final ZoneId timeZone;

    private transient FieldSources fields;
    private transient RecordToRowDataConverter converter;

    /** Builds the rows from record views, or null when the table needs generic rows. */
    private transient RecordToBinaryRowConverter binaryConverter;

    /** {@code FieldSources.onlyDataColumns()}, once. */
    private transient boolean onlyDataColumns;

    private transient PartitionSpec lastPartition;
    private transient Object[] lastPartitionValues;

    /** Per downloaded column, the field it goes to. */
    private transient int[] dataPositions;

    /**
     * Reads rows of {@code rowType}; {@code DATETIME} and {@code TIMESTAMP} columns are read into
     * {@code TIMESTAMP_LTZ} fields only.
     */
    public RowDataTunnelRecordDeserializer(RowType rowType, TypeInformation<RowData> typeInfo) {
        this(rowType, typeInfo, null);
    }

    /**
     * Reads rows of {@code rowType}; {@code DATETIME} and {@code TIMESTAMP} columns can also be
     * read into {@code TIMESTAMP} (no zone) fields, which get the instant's wall-clock reading in
     * {@code timeZone} (what Flink SQL's {@code CAST(ltz AS TIMESTAMP)} does in the session time
     * zone).
     *
     * @param timeZone the zone of {@code TIMESTAMP} fields, or null to refuse them for those
     *     columns
     */
    public RowDataTunnelRecordDeserializer(
            RowType rowType, TypeInformation<RowData> typeInfo, ZoneId timeZone) {
        this.rowType = Objects.requireNonNull(rowType, "rowType");
        this.typeInfo = Objects.requireNonNull(typeInfo, "typeInfo");
        this.timeZone = timeZone;
    }

    public RowDataTunnelRecordDeserializer(RowType rowType) {
        this(rowType, TypeInformation.of(RowData.class));
    }

    @Override
    public List<String> open(TableSchema schema) {
        fields = FieldSources.resolve(rowType.getFieldNames(), schema);
        List<RowType.RowField> dataFields = new ArrayList<>();
        int[] positions = new int[fields.fieldCount()];
        for (int i = 0; i < fields.fieldCount(); i++) {
            if (fields.isDataColumn(i)) {
                positions[dataFields.size()] = i;
                dataFields.add(rowType.getFields().get(i));
            } else {
                checkPartitionField(i);
            }
        }
        converter =
                dataFields.isEmpty()
                        ? null
                        : RecordToRowDataConverter.create(
                                fields.readColumns().subList(0, dataFields.size()),
                                new RowType(rowType.isNullable(), dataFields),
                                timeZone);
        dataPositions = Arrays.copyOf(positions, dataFields.size());
        binaryConverter =
                RecordToBinaryRowConverter.createIfSupported(
                        fields.readColumns().subList(0, dataFields.size()),
                        rowType,
                        dataPositions,
                        timeZone);
        onlyDataColumns = fields.onlyDataColumns();
        lastPartition = null;
        return fields.readColumnNames();
    }

    private void checkPartitionField(int field) {
        switch (rowType.getTypeAt(field).getTypeRoot()) {
            case CHAR, VARCHAR, BIGINT, INTEGER, SMALLINT, TINYINT -> {}
            default ->
                    throw new IllegalArgumentException(
                            "Field '"
                                    + rowType.getFieldNames().get(field)
                                    + "' holds a partition value, so its type must be a character or"
                                    + " integer type, not "
                                    + rowType.getTypeAt(field).asSummaryString());
        }
    }

    /**
     * Builds the row straight from the record's columns: strings from their UTF-8 bytes, compact
     * decimals from their unscaled value, timestamps from seconds and nanos, no boxed Java value in
     * between (ARRAY, MAP and STRUCT columns excepted): a {@code BinaryRowData} where the types
     * allow, else a {@link GenericRowData}. The same values as {@link #deserialize(Object[],
     * PartitionSpec)} gives for the record's values.
     */
    @Override
    public RowData deserialize(RecordView record, PartitionSpec partition) {
        if (binaryConverter != null) {
            binaryConverter.read(record);
            return binaryConverter.build(onlyDataColumns ? null : partitionValues(partition));
        }
        if (onlyDataColumns) {
            return converter.convert(record);
        }
        GenericRowData row = new GenericRowData(fields.fieldCount());
        if (converter != null) {
            converter.convertInto(record, row, dataPositions);
        }
        Object[] partitionValues = partitionValues(partition);
        for (int i = 0; i < fields.fieldCount(); i++) {
            if (!fields.isDataColumn(i)) {
                row.setField(i, partitionValues[i]);
            }
        }
        return row;
    }

    /** Builds the row from the record's values as the codec boxes them. */
    @Override
    public RowData deserialize(Object[] values, PartitionSpec partition) {
        GenericRowData data = converter == null ? null : converter.convert(values);
        if (fields.onlyDataColumns()) {
            return data;
        }
        Object[] partitionValues = partitionValues(partition);
        GenericRowData row = new GenericRowData(fields.fieldCount());
        for (int i = 0; i < fields.fieldCount(); i++) {
            row.setField(
                    i,
                    fields.isDataColumn(i)
                            ? data.getField(fields.dataIndex(i))
                            : partitionValues[i]);
        }
        return row;
    }

    /** The partition fields' values, converted once per partition. */
    private Object[] partitionValues(PartitionSpec partition) {
        if (partition.equals(lastPartition)) {
            return lastPartitionValues;
        }
        Object[] values = new Object[fields.fieldCount()];
        for (int i = 0; i < values.length; i++) {
            if (!fields.isDataColumn(i)) {
                String name = fields.partitionKey(i).name();
                String text = partition.get(name);
                if (text == null) {
                    throw new IllegalArgumentException(
                            "Partition '" + partition + "' has no value for key '" + name + "'");
                }
                values[i] = toInternal(rowType.getTypeAt(i), text, name);
            }
        }
        lastPartition = partition;
        lastPartitionValues = values;
        return values;
    }

    private static Object toInternal(LogicalType type, String text, String key) {
        try {
            return switch (type.getTypeRoot()) {
                case BIGINT -> Long.parseLong(text);
                case INTEGER -> Integer.parseInt(text);
                case SMALLINT -> Short.parseShort(text);
                case TINYINT -> Byte.parseByte(text);
                default -> StringData.fromString(text);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Value '"
                            + text
                            + "' of partition key '"
                            + key
                            + "' is not a "
                            + type.asSummaryString(),
                    e);
        }
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return typeInfo;
    }
}
