package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.source.RowDataTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.TunnelRecordDeserializer;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import java.io.IOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * For a query that needs partition keys only (e.g. {@code SELECT ds, COUNT(*) ... GROUP BY ds}): a
 * download needs at least one data column, so one (the narrowest the planner offered) is read along
 * and dropped from the produced rows.
 */
final class PartitionKeysOnlyDeserializer implements TunnelRecordDeserializer<RowData> {

    private static final long serialVersionUID = 1L;

    private final RowDataTunnelRecordDeserializer withDataColumn;
    private final RowData.FieldGetter[] getters;
    private final TypeInformation<RowData> producedType;

    PartitionKeysOnlyDeserializer(
            RowType produced,
            RowType.RowField dataColumn,
            TypeInformation<RowData> producedType,
            ZoneId timeZone) {
        List<RowType.RowField> fields = new ArrayList<>(produced.getFields());
        fields.add(dataColumn);
        this.withDataColumn =
                new RowDataTunnelRecordDeserializer(
                        new RowType(fields), TypeInformation.of(RowData.class), timeZone);
        this.getters = new RowData.FieldGetter[produced.getFieldCount()];
        for (int i = 0; i < getters.length; i++) {
            getters[i] = RowData.createFieldGetter(produced.getTypeAt(i), i);
        }
        this.producedType = producedType;
    }

    @Override
    public List<String> open(TableSchema schema) {
        return withDataColumn.open(schema);
    }

    @Override
    public RowData deserialize(RecordView record, PartitionSpec partition) throws IOException {
        return withoutDataColumn(withDataColumn.deserialize(record, partition));
    }

    @Override
    public RowData deserialize(Object[] values, PartitionSpec partition) throws IOException {
        return withoutDataColumn(withDataColumn.deserialize(values, partition));
    }

    /** The row without its last field (binary or generic, whichever the deserializer built). */
    private RowData withoutDataColumn(RowData full) {
        GenericRowData row = new GenericRowData(getters.length);
        for (int i = 0; i < getters.length; i++) {
            row.setField(i, getters[i].getFieldOrNull(full));
        }
        return row;
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
