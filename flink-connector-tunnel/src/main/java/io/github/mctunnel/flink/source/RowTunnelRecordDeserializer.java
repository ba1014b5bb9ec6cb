package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.types.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads records into named {@link Row}s holding the record codec's Java values (BIGINT {@code
 * Long}, STRING {@code String}, DECIMAL {@code BigDecimal}, DATE {@code LocalDate}, DATETIME and
 * TIMESTAMP {@code Instant}, TIMESTAMP_NTZ {@code LocalDateTime}, BINARY {@code byte[]}, ...).
 * Fields match the table by name: a field named like a data column is downloaded (the fields are
 * the column projection); a field named like a partition key gets the partition value, as a {@code
 * String} or, for integer keys, as their Java integer type.
 *
 * <p>Build it with {@link #forColumns} from the columns (and partition keys) to read; their types
 * give the row's type information.
 */
@PublicEvolving
public final class RowTunnelRecordDeserializer implements TunnelRecordDeserializer<Row> {

    private static final long serialVersionUID = 1L;

    private final List<String> fieldNames;
    private final RowTypeInfo typeInfo;

    private transient FieldSources fields;
    private transient PartitionSpec lastPartition;
    private transient Object[] lastPartitionValues;

    private RowTunnelRecordDeserializer(List<String> fieldNames, RowTypeInfo typeInfo) {
        this.fieldNames = fieldNames;
        this.typeInfo = typeInfo;
    }

    /**
     * A deserializer producing one field per given column, in order; each column is a data column
     * or a partition key of the table (name and type as in the table).
     */
    public static RowTunnelRecordDeserializer forColumns(List<Column> columns) {
        Objects.requireNonNull(columns, "columns");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("A Row deserializer needs at least one column");
        }
        List<String> names = new ArrayList<>();
        TypeInformation<?>[] types = new TypeInformation<?>[columns.size()];
        for (int i = 0; i < types.length; i++) {
            names.add(columns.get(i).name());
            types[i] = javaTypeOf(columns.get(i));
        }
        return new RowTunnelRecordDeserializer(
                List.copyOf(names), new RowTypeInfo(types, names.toArray(new String[0])));
    }

    /** The type information of the codec's Java class for a column type. */
    static TypeInformation<?> javaTypeOf(Column column) {
        return switch (column.type().type()) {
            case BIGINT -> Types.LONG;
            case INT -> Types.INT;
            case SMALLINT -> Types.SHORT;
            case TINYINT -> Types.BYTE;
            case BOOLEAN -> Types.BOOLEAN;
            case DOUBLE -> Types.DOUBLE;
            case FLOAT -> Types.FLOAT;
            case STRING, VARCHAR, CHAR, JSON -> Types.STRING;
            case BINARY -> Types.PRIMITIVE_ARRAY(Types.BYTE);
            case DECIMAL -> Types.BIG_DEC;
            case DATE -> Types.LOCAL_DATE;
            case DATETIME, TIMESTAMP -> Types.INSTANT;
            case TIMESTAMP_NTZ -> Types.LOCAL_DATE_TIME;
            case INTERVAL_DAY_TIME -> TypeInformation.of(java.time.Duration.class);
            case INTERVAL_YEAR_MONTH -> TypeInformation.of(java.time.Period.class);
            case ARRAY, STRUCT -> TypeInformation.of(List.class);
            case MAP -> TypeInformation.of(java.util.Map.class);
        };
    }

    @Override
    public List<String> open(TableSchema schema) {
        fields = FieldSources.resolve(fieldNames, schema);
        for (int i = 0; i < fields.fieldCount(); i++) {
            Column c =
                    fields.isDataColumn(i)
                            ? fields.readColumns().get(fields.dataIndex(i))
                            : fields.partitionKey(i);
            TypeInformation<?> expected = javaTypeOf(c);
            if (!expected.equals(typeInfo.getTypeAt(i))) {
                throw new IllegalArgumentException(
                        "Field '"
                                + fieldNames.get(i)
                                + "' was declared as "
                                + typeInfo.getTypeAt(i)
                                + ", but the table's column has type "
                                + c.type()
                                + " (read as "
                                + expected
                                + ")");
            }
        }
        lastPartition = null;
        return fields.readColumnNames();
    }

    @Override
    public Row deserialize(Object[] values, PartitionSpec partition) {
        Row row = Row.withPositions(fields.fieldCount());
        Object[] partitionValues = fields.onlyDataColumns() ? null : partitionValues(partition);
        for (int i = 0; i < fields.fieldCount(); i++) {
            row.setField(
                    i, fields.isDataColumn(i) ? values[fields.dataIndex(i)] : partitionValues[i]);
        }
        return row;
    }

    private Object[] partitionValues(PartitionSpec partition) {
        if (partition.equals(lastPartition)) {
            return lastPartitionValues;
        }
        Object[] values = new Object[fields.fieldCount()];
        for (int i = 0; i < values.length; i++) {
            if (!fields.isDataColumn(i)) {
                Column key = fields.partitionKey(i);
                String text = partition.get(key.name());
                if (text == null) {
                    throw new IllegalArgumentException(
                            "Partition '"
                                    + partition
                                    + "' has no value for key '"
                                    + key.name()
                                    + "'");
                }
                values[i] = PartitionValues.parse(key, text);
            }
        }
        lastPartition = partition;
        lastPartitionValues = values;
        return values;
    }

    @Override
    public TypeInformation<Row> getProducedType() {
        return typeInfo;
    }
}
