package io.github.mctunnel.flink.table;

import io.github.mctunnel.client.schema.PartitionSpec;

import org.apache.flink.table.api.ValidationException;
import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionPatternTest {

    private static boolean matches(String pattern, String partition) {
        return PartitionPattern.parse(pattern).test(PartitionSpec.parse(partition));
    }

    @Test
    void literalValuesMatchExactly() {
        assertThat(matches("ds=20261122,hh=08", "ds=20261122,hh=08")).isTrue();
        assertThat(matches("ds=20261122,hh=08", "ds=20261122,hh=09")).isFalse();
        assertThat(matches("ds='20261122'", "ds=20261122,hh=09")).isTrue();
    }

    @Test
    void wildcardMatchesAnyCharactersAndRegexCharactersAreLiteral() {
        assertThat(matches("ds=2026*", "ds=20261122")).isTrue();
        assertThat(matches("ds=*22", "ds=20261122")).isTrue();
        assertThat(matches("ds=2026*22", "ds=20261123")).isFalse();
        assertThat(matches("ds=a.c", "ds=abc")).isFalse();
        assertThat(matches("ds=a.c", "ds=a.c")).isTrue();
    }

    @Test
    void keysLeftOutMatchAnythingAndKeysAreCaseInsensitive() {
        assertThat(matches("HH=08", "ds=20261122,hh=08")).isTrue();
        assertThat(matches("region=eu", "ds=20261122,hh=08")).isFalse();
    }

    @Test
    void alternativesAreSeparatedBySemicolons() {
        PartitionPattern p = PartitionPattern.parse("ds=20261122;ds=202612*");
        assertThat(p.test(PartitionSpec.parse("ds=20261122"))).isTrue();
        assertThat(p.test(PartitionSpec.parse("ds=20261201"))).isTrue();
        assertThat(p.test(PartitionSpec.parse("ds=20261123"))).isFalse();
    }

    @Test
    void survivesSerialization() throws Exception {
        PartitionPattern copy =
                InstantiationUtil.clone(
                        PartitionPattern.parse("ds=2026*,hh=08"), getClass().getClassLoader());
        assertThat(copy.test(PartitionSpec.parse("ds=20260101,hh=08"))).isTrue();
        assertThat(copy.test(PartitionSpec.parse("ds=20260101,hh=09"))).isFalse();
    }

    @Test
    void malformedPatternsAreRejected() {
        assertThatThrownBy(() -> PartitionPattern.parse(" ; "))
                .isInstanceOf(ValidationException.class)
                .hasMessage("Option 'partition' names no partition: ' ; '");
        assertThatThrownBy(() -> PartitionPattern.parse("ds=1,hh="))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("'hh=' in 'ds=1,hh=' is not key=value");
    }
}
