package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.Row;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowDataTunnelRecordDeserializerTest {

    private static final TableSchema SCHEMA =
            new TableSchema(
                    List.of(
                            Column.of("id", "bigint"),
                            Column.of("name", "string"),
                            Column.of("score", "double")),
                    List.of(Column.of("ds", "string"), Column.of("hh", "bigint")));

    @Test
    void projectsFieldsByNameAndFillsPartitionValues() throws Exception {
        RowType type =
                (RowType)
                        DataTypes.ROW(
                                        DataTypes.FIELD("name", DataTypes.STRING()),
                                        DataTypes.FIELD("hh", DataTypes.BIGINT()),
                                        DataTypes.FIELD("id", DataTypes.BIGINT()),
                                        DataTypes.FIELD("ds", DataTypes.STRING()))
                                .getLogicalType();
        RowDataTunnelRecordDeserializer d = new RowDataTunnelRecordDeserializer(type);
        assertThat(d.open(SCHEMA)).containsExactly("name", "id");

        RowData row =
                d.deserialize(new Object[] {"a", 7L}, PartitionSpec.parse("ds=20240101,hh=08"));
        assertThat(row.getString(0)).isEqualTo(StringData.fromString("a"));
        assertThat(row.getLong(1)).isEqualTo(8L);
        assertThat(row.getLong(2)).isEqualTo(7L);
        assertThat(row.getString(3)).isEqualTo(StringData.fromString("20240101"));
    }

    @Test
    void namesUnknownField() {
        RowType type =
                (RowType)
                        DataTypes.ROW(DataTypes.FIELD("nope", DataTypes.STRING())).getLogicalType();
        assertThatThrownBy(() -> new RowDataTunnelRecordDeserializer(type).open(SCHEMA))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Field 'nope' is neither a column nor a partition key of the table;"
                                + " columns are [id, name, score], partition keys are [ds, hh]");
    }

    @Test
    void rowDeserializerKeepsCodecValues() throws Exception {
        RowTunnelRecordDeserializer d =
                RowTunnelRecordDeserializer.forColumns(
                        List.of(Column.of("ds", "string"), Column.of("score", "double")));
        assertThat(d.open(SCHEMA)).containsExactly("score");
        Row row = d.deserialize(new Object[] {1.5}, PartitionSpec.parse("ds=x,hh=1"));
        assertThat(row).isEqualTo(Row.of("x", 1.5));
        assertThat(d.getProducedType().toString()).isEqualTo("Row(ds: String, score: Double)");
    }
}
