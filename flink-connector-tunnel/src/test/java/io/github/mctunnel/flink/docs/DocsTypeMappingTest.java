package io.github.mctunnel.flink.docs;

import io.github.mctunnel.client.schema.OdpsType;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.flink.convert.TunnelTypeMapping;

import org.apache.flink.table.types.logical.LogicalType;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The type mapping table of docs/type-mapping.md is rendered from {@link TunnelTypeMapping}: for
 * one example of every MaxCompute type, the Flink type it is read as (and shown as by the catalog)
 * and the MaxCompute type that Flink type creates through the catalog. {@code
 * -Ddocs.regenerate=true} rewrites it.
 */
class DocsTypeMappingTest {

    /** One example per MaxCompute type, in the order of the docs' table. */
    static final List<String> EXAMPLES =
            List.of(
                    "bigint",
                    "int",
                    "smallint",
                    "tinyint",
                    "boolean",
                    "double",
                    "float",
                    "string",
                    "varchar(20)",
                    "char(10)",
                    "json",
                    "binary",
                    "decimal(18,2)",
                    "date",
                    "datetime",
                    "timestamp",
                    "timestamp_ntz",
                    "interval_day_time",
                    "interval_year_month",
                    "array<bigint>",
                    "map<string,int>",
                    "struct<id:bigint,tags:array<string>>");

    @Test
    void typeMappingTableIsRenderedFromTheCode() {
        Path page = DocsPages.page("type-mapping.md");
        String text = DocsPages.read(page);
        GeneratedRegion region = new GeneratedRegion("type-mapping");
        String expected = render();
        if (DocsPages.regenerate()) {
            DocsPages.write(page, region.replace(text, DocsPages.name(page), expected));
            return;
        }
        assertThat(region.extract(text, DocsPages.name(page)))
                .as(
                        "The type mapping table in %s differs from TunnelTypeMapping. Regenerate"
                                + " it with: %s",
                        DocsPages.name(page), DocsPages.REGENERATE_COMMAND)
                .isEqualTo(expected);
    }

    @Test
    void examplesCoverEveryMaxComputeType() {
        Set<OdpsType> covered = EnumSet.noneOf(OdpsType.class);
        EXAMPLES.forEach(e -> covered.add(TypeInfo.parse(e).type()));
        assertThat(covered).containsExactlyInAnyOrder(OdpsType.values());
    }

    /** A code span; one holding backticks (Flink quotes ROW field names) is fenced with two. */
    private static String code(String text) {
        return text.contains("`") ? "`` " + text + " ``" : "`" + text + "`";
    }

    static String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| MaxCompute | Flink (read, catalog) | created by the catalog from that Flink type |\n");
        sb.append("|---|---|---|\n");
        for (String example : EXAMPLES) {
            TypeInfo type = TypeInfo.parse(example);
            LogicalType flink = TunnelTypeMapping.toFlinkType(type);
            TypeInfo back = TunnelTypeMapping.toTunnelType(flink);
            sb.append("| ")
                    .append(code(type.toString()))
                    .append(" | ")
                    .append(code(flink.asSummaryString()))
                    .append(" | ")
                    .append(code(back.toString()))
                    .append(" |\n");
        }
        return sb.toString();
    }
}
