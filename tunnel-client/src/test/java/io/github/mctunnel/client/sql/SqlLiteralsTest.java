package io.github.mctunnel.client.sql;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SqlLiteralsTest {

    @Test
    void stringLiteralsEscapeBackslashesAndQuotes() {
        assertThat(SqlLiterals.string("20240101")).isEqualTo("'20240101'");
        assertThat(SqlLiterals.string("it's")).isEqualTo("'it\\'s'");
        assertThat(SqlLiterals.string("a\\b")).isEqualTo("'a\\\\b'");
        assertThat(SqlLiterals.string("a\\'); DROP TABLE victim; --"))
                .isEqualTo("'a\\\\\\'); DROP TABLE victim; --'");
        assertThat(SqlLiterals.string("\\")).isEqualTo("'\\\\'");
        assertThat(SqlLiterals.string("say \"hi\"")).isEqualTo("'say \"hi\"'");
        assertThat(SqlLiterals.string("")).isEqualTo("''");
    }

    @Test
    void identifiersAreBacktickedWithInnerBackticksDoubled() {
        assertThat(SqlLiterals.identifier("ds")).isEqualTo("`ds`");
        assertThat(SqlLiterals.identifier("we`ird")).isEqualTo("`we``ird`");
        assertThat(SqlLiterals.identifier("`")).isEqualTo("````");
        assertThat(SqlLiterals.identifier("a b'c\\")).isEqualTo("`a b'c\\`");
    }

    @Test
    void tableNamesArePerPart() {
        assertThat(SqlLiterals.tableName(TableIdentifier.of("p", "t"))).isEqualTo("`p`.`t`");
        assertThat(SqlLiterals.tableName(new TableIdentifier("p", "s", "t`x")))
                .isEqualTo("`p`.`s`.`t``x`");
    }

    @Test
    void partitionSpecsQuoteKeysAndValues() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("ds", "a\\'b");
        values.put("hh", "08");
        PartitionSpec spec = PartitionSpec.of(values);
        assertThat(SqlLiterals.partitionSpec(spec)).isEqualTo("`ds`='a\\\\\\'b',`hh`='08'");
        assertThat(spec.toQuotedString()).isEqualTo(SqlLiterals.partitionSpec(spec));
    }
}
