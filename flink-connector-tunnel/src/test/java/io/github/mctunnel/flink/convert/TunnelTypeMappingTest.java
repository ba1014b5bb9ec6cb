package io.github.mctunnel.flink.convert;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TypeInfo;

import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TunnelTypeMappingTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "bigint|BIGINT",
                "int|INT",
                "smallint|SMALLINT",
                "tinyint|TINYINT",
                "boolean|BOOLEAN",
                "double|DOUBLE",
                "float|FLOAT",
                "string|STRING",
                "json|STRING",
                "varchar(20)|VARCHAR(20)",
                "char(3)|CHAR(3)",
                "binary|BYTES",
                "decimal(10,2)|DECIMAL(10, 2)",
                "decimal|DECIMAL(38, 18)",
                "date|DATE",
                "datetime|TIMESTAMP_LTZ(3)",
                "timestamp|TIMESTAMP_LTZ(9)",
                "timestamp_ntz|TIMESTAMP(9)",
                "interval_day_time|INTERVAL DAY(6) TO SECOND(3)",
                "interval_year_month|INTERVAL YEAR(4) TO MONTH",
                "array<bigint>|ARRAY<BIGINT>",
                "map<string,array<decimal(5,1)>>|MAP<STRING, ARRAY<DECIMAL(5, 1)>>",
                "struct<a:int,b:struct<c:timestamp_ntz,d:array<binary>>>"
                        + "|ROW<`a` INT, `b` ROW<`c` TIMESTAMP(9), `d` ARRAY<BYTES>>>",
            })
    void mapsEveryMaxComputeTypeToItsCanonicalFlinkType(String odps, String flink) {
        LogicalType type = TunnelTypeMapping.toFlinkType(TypeInfo.parse(odps));
        assertThat(type.asSummaryString()).isEqualTo(flink);
        assertThat(type.isNullable()).isTrue();
        // what the mapping produces must itself be accepted both ways
        TunnelTypeMapping.checkWritable("c", type, TypeInfo.parse(odps));
        TunnelTypeMapping.checkReadable("c", TypeInfo.parse(odps), type);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "BIGINT|bigint",
                "INT|int",
                "SMALLINT|smallint",
                "TINYINT|tinyint",
                "BOOLEAN|boolean",
                "DOUBLE|double",
                "FLOAT|float",
                "STRING|string",
                "VARCHAR(70000)|string",
                "VARCHAR(20)|varchar(20)",
                "CHAR(3)|char(3)",
                "CHAR(300)|string",
                "BYTES|binary",
                "BINARY(16)|binary",
                "DECIMAL(10, 2)|decimal(10,2)",
                "DATE|date",
                "TIMESTAMP_LTZ(3)|datetime",
                "TIMESTAMP_LTZ(0)|datetime",
                "TIMESTAMP_LTZ(6)|timestamp",
                "TIMESTAMP(3)|timestamp_ntz",
                "INTERVAL DAY TO SECOND(3)|interval_day_time",
                "INTERVAL YEAR TO MONTH|interval_year_month",
                "ARRAY<MAP<INT, ROW<x STRING>>>|array<map<int,struct<x:string>>>",
            })
    void mapsFlinkTypesToMaxComputeTypes(String flink, String odps) {
        LogicalType type =
                LogicalTypeParser.parse(flink, TunnelTypeMappingTest.class.getClassLoader());
        assertThat(TunnelTypeMapping.toTunnelType(type).toString()).isEqualTo(odps);
    }

    @Test
    void flinkTypeWithoutCounterpartIsRejectedByName() {
        assertThatThrownBy(
                        () ->
                                TunnelTypeMapping.toTunnelType(
                                        LogicalTypeParser.parse(
                                                "TIME(0)",
                                                TunnelTypeMappingTest.class.getClassLoader())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Flink type TIME(0) has no MaxCompute counterpart");
    }

    @Test
    void rowTypeKeepsNamesOrderAndNullability() {
        RowType row =
                TunnelTypeMapping.toRowType(
                        List.of(
                                new Column("id", TypeInfo.parse("bigint"), false, "", null),
                                Column.of("name", "varchar(5)")));
        assertThat(row.asSummaryString())
                .isEqualTo("ROW<`id` BIGINT NOT NULL, `name` VARCHAR(5)> NOT NULL");
    }

    @Test
    void acceptsNarrowerIntegersAndOtherCharacterTypesForWriting() {
        TunnelTypeMapping.checkWritable("c", new IntType(), TypeInfo.parse("bigint"));
        TunnelTypeMapping.checkWritable("c", new VarCharType(100), TypeInfo.parse("varchar(5)"));
        TunnelTypeMapping.checkWritable("c", new TimestampType(3), TypeInfo.parse("timestamp_ntz"));
    }

    @Test
    void unsupportedPairNamesColumnAndBothTypes() {
        assertThatThrownBy(
                        () ->
                                TunnelTypeMapping.checkWritable(
                                        "amount", new BigIntType(), TypeInfo.parse("int")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Column 'amount': Flink type BIGINT cannot be written to MaxCompute type"
                                + " int; expected INT");
        assertThatThrownBy(
                        () ->
                                TunnelTypeMapping.checkWritable(
                                        "ts", new TimestampType(3), TypeInfo.parse("datetime")))
                .hasMessage(
                        "Column 'ts': Flink type TIMESTAMP(3) cannot be written to MaxCompute type"
                                + " datetime; expected TIMESTAMP_LTZ(3)");
        assertThatThrownBy(
                        () ->
                                TunnelTypeMapping.checkReadable(
                                        "n", TypeInfo.parse("bigint"), new IntType()))
                .hasMessage(
                        "Column 'n': MaxCompute type bigint cannot be read as Flink type INT;"
                                + " expected BIGINT");
    }

    @Test
    void nestedMismatchNamesThePathIntoTheNestedType() {
        LogicalType flink =
                LogicalTypeParser.parse(
                        "ARRAY<ROW<city STRING, zip INT>>",
                        TunnelTypeMappingTest.class.getClassLoader());
        assertThatThrownBy(
                        () ->
                                TunnelTypeMapping.checkWritable(
                                        "addr",
                                        flink,
                                        TypeInfo.parse("array<struct<city:string,zip:string>>")))
                .hasMessage(
                        "Column 'addr[].zip': Flink type INT cannot be written to MaxCompute type"
                                + " string; expected STRING");
        assertThatThrownBy(
                        () ->
                                TunnelTypeMapping.checkWritable(
                                        "addr",
                                        flink,
                                        TypeInfo.parse("array<struct<city:string>>")))
                .hasMessage(
                        "Column 'addr[]': Flink type ROW<`city` STRING, `zip` INT> has 2 fields,"
                                + " MaxCompute type struct<city:string> has 1");
    }
}
