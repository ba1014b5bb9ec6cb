package io.github.mctunnel.client.schema;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TypeInfoTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "bigint",
                "int",
                "smallint",
                "tinyint",
                "boolean",
                "double",
                "float",
                "string",
                "varchar(10)",
                "char(3)",
                "binary",
                "json",
                "decimal(38,18)",
                "decimal(10,0)",
                "date",
                "datetime",
                "timestamp",
                "timestamp_ntz",
                "interval_day_time",
                "interval_year_month",
                "array<bigint>",
                "map<string,array<decimal(5,2)>>",
                "struct<a:bigint,b:struct<c:array<map<int,string>>>>",
                "struct<`b c`:bigint,`x``y`:string>"
            })
    void printsWhatItParses(String type) {
        assertThat(TypeInfo.parse(type).toString()).isEqualTo(type);
        if (!type.contains("struct")) { // struct field names keep their case
            assertThat(TypeInfo.parse(type.toUpperCase())).isEqualTo(TypeInfo.parse(type));
        }
    }

    @Test
    void parsesDdlSpellings() {
        assertThat(
                        TypeInfo.parse(
                                " ARRAY < STRUCT < Name : STRING COMMENT 'the name' , n:INTEGER > > "))
                .isEqualTo(
                        TypeInfo.array(
                                TypeInfo.struct(
                                        List.of(
                                                new TypeInfo.Field(
                                                        "Name", TypeInfo.of(OdpsType.STRING)),
                                                new TypeInfo.Field(
                                                        "n", TypeInfo.of(OdpsType.INT))))));
        assertThat(TypeInfo.parse("decimal")).isEqualTo(TypeInfo.decimal(38, 18));
        assertThat(TypeInfo.parse("decimal(7)")).isEqualTo(TypeInfo.decimal(7, 0));
    }

    @Test
    void structFieldNamesThatNeedQuotesRoundTrip() {
        TypeInfo t =
                TypeInfo.struct(
                        List.of(
                                new TypeInfo.Field("b c", TypeInfo.of(OdpsType.BIGINT)),
                                new TypeInfo.Field("x`y", TypeInfo.of(OdpsType.STRING))));
        assertThat(t.toString()).isEqualTo("struct<`b c`:bigint,`x``y`:string>");
        assertThat(TypeInfo.parse(t.toString())).isEqualTo(t);
    }

    @Test
    void rejectsInvalidTypesNamingThePosition() {
        assertThatThrownBy(() -> TypeInfo.parse("array<bigint"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid MaxCompute type 'array<bigint' at position 12: expected '>'");
        assertThatThrownBy(() -> TypeInfo.parse("long"))
                .hasMessage("Invalid MaxCompute type 'long' at position 4: unknown type long");
        assertThatThrownBy(() -> TypeInfo.parse("decimal(39,2)"))
                .hasMessageContaining(
                        "decimal(39,2) is not valid: need 1 <= precision <= 38 and 0 <= scale <= precision");
        assertThatThrownBy(() -> TypeInfo.parse("varchar(0)"))
                .hasMessageContaining("varchar length must be in [1, 65535]: 0");
        assertThatThrownBy(() -> TypeInfo.parse("bigint x"))
                .hasMessageContaining("unexpected trailing input");
    }
}
