package io.github.mctunnel.client.schema;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionSpecTest {

    private static final TableSchema SCHEMA =
            new TableSchema(
                    List.of(Column.of("v", "bigint")),
                    List.of(Column.of("ds", "string"), Column.of("hh", "string")));

    @Test
    void parsesTunnelSqlAndPathForms() {
        PartitionSpec expected = PartitionSpec.of(Map.of("ds", "20261122"));
        assertThat(PartitionSpec.parse("ds=20261122")).isEqualTo(expected);
        assertThat(PartitionSpec.parse("DS='20261122'")).isEqualTo(expected);

        PartitionSpec two = PartitionSpec.parse("ds='2026 11,22',hh=08");
        assertThat(two.values())
                .containsExactly(Map.entry("ds", "2026 11,22"), Map.entry("hh", "08"));
        assertThat(two.toString()).isEqualTo("ds=2026 11,22,hh=08");
        assertThat(two.toQuotedString()).isEqualTo("`ds`='2026 11,22',`hh`='08'");
        assertThat(PartitionSpec.parse("ds=1/hh=2").keys()).containsExactly("ds", "hh");
        assertThat(PartitionSpec.parse("  ")).isSameAs(PartitionSpec.empty());
    }

    @Test
    void quotesInsideAValueDoNotQuoteTheRestOfTheSpec() {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        values.put("ds", "a\\'); DROP TABLE victim; --");
        values.put("hh", "it's \"x\"");
        PartitionSpec spec = PartitionSpec.of(values);
        assertThat(spec.toString()).isEqualTo("ds=a\\'); DROP TABLE victim; --,hh=it's \"x\"");
        assertThat(PartitionSpec.parse(spec.toString())).isEqualTo(spec);
        assertThat(PartitionSpec.parse("ds = 'x,y' , hh=\"1/2\"").values())
                .containsExactly(Map.entry("ds", "x,y"), Map.entry("hh", "1/2"));
    }

    @Test
    void unusableValuesAreNamedWithTheReason() {
        assertThat(PartitionSpec.valueProblem("20240101")).isNull();
        assertThat(PartitionSpec.valueProblem("2024 01 01")).isNull();
        assertThat(PartitionSpec.valueProblem("a\\b;c")).isNull();
        assertThat(PartitionSpec.valueProblem("")).isEqualTo("is empty");
        assertThat(PartitionSpec.valueProblem("  "))
                .isEqualTo("has the value '  ', which cannot name a partition (only whitespace)");
        assertThat(PartitionSpec.valueProblem(" x"))
                .isEqualTo(
                        "has the value ' x', which cannot name a partition (leading or trailing"
                                + " whitespace)");
        assertThat(PartitionSpec.valueProblem("x\u3000"))
                .isEqualTo(
                        "has the value 'x\u3000', which cannot name a partition (leading or"
                                + " trailing whitespace)");
        assertThat(PartitionSpec.valueProblem("a\nb"))
                .isEqualTo(
                        "has the value 'a\\u000ab', which cannot name a partition (no / = ,"
                                + " quotes or control characters)");
        for (String bad : List.of("a/b", "a=b", "a,b", "it's", "\"x")) {
            assertThat(PartitionSpec.valueProblem(bad))
                    .isEqualTo(
                            "has the value '"
                                    + bad
                                    + "', which cannot name a partition (no / = , quotes or"
                                    + " control characters)");
        }
    }

    @Test
    void rejectsMalformedSpecs() {
        assertThatThrownBy(() -> PartitionSpec.parse("ds"))
                .hasMessage("Invalid partition spec 'ds': expected key=value pairs, got 'ds'");
        assertThatThrownBy(() -> PartitionSpec.parse("ds=1,ds=2"))
                .hasMessage("Invalid partition spec 'ds=1,ds=2': key ds given twice");
        assertThatThrownBy(() -> PartitionSpec.parse("ds="))
                .hasMessage(
                        "Invalid partition spec 'ds=': partition value of ds must not be empty");
    }

    @Test
    void validatesAgainstTheTablesPartitionKeys() {
        PartitionSpec.parse("ds=1,hh=2").validateAgainst(SCHEMA, "p.t");
        assertThatThrownBy(() -> PartitionSpec.parse("hh=2,ds=1").validateAgainst(SCHEMA, "p.t"))
                .hasMessage(
                        "Partition spec 'hh=2,ds=1' does not match the partition keys of table p.t:"
                                + " expected [ds, hh]");
        assertThatThrownBy(
                        () ->
                                PartitionSpec.parse("ds=1")
                                        .validateAgainst(TableSchema.of(SCHEMA.columns()), "p.u"))
                .hasMessage("Table p.u is not partitioned, but partition 'ds=1' was given");
    }
}
