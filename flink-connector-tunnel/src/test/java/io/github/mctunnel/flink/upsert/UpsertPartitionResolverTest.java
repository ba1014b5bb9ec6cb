package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.schema.PartitionSpec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpsertPartitionResolverTest {

    private final UpsertPartitionResolver resolver = new UpsertPartitionResolver(1, List.of("ds"));

    @Test
    void usableValuesAreTakenAsTheyAre() {
        assertThat(resolver.resolve(new Object[] {1L, "2024 01"}))
                .isEqualTo(PartitionSpec.parse("ds=2024 01"));
        assertThat(
                        resolver.resolve(new Object[] {1L, "x".getBytes(StandardCharsets.UTF_8)})
                                .get("ds"))
                .isEqualTo("x");
    }

    @Test
    void whitespaceIsRejectedNotTrimmed() {
        assertThatThrownBy(() -> resolver.resolve(new Object[] {1L, " 20240101"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Partition column 'ds' has the value ' 20240101', which cannot name a"
                                + " partition (leading or trailing whitespace); every change"
                                + " needs a usable value for it");
        assertThatThrownBy(() -> resolver.resolve(new Object[] {1L, "   "}))
                .hasMessage(
                        "Partition column 'ds' has the value '   ', which cannot name a"
                                + " partition (only whitespace); every change needs a usable"
                                + " value for it");
    }

    @Test
    void valuesThatBreakThePartitionSpecAreRejected() {
        assertThatThrownBy(() -> resolver.resolve(new Object[] {1L, "a=b"}))
                .hasMessage(
                        "Partition column 'ds' has the value 'a=b', which cannot name a"
                                + " partition (no / = , quotes or control characters); every"
                                + " change needs a usable value for it");
        assertThatThrownBy(() -> resolver.resolve(new Object[] {1L, null}))
                .hasMessage("Partition column 'ds' is NULL; every change needs a value for it");
        assertThatThrownBy(() -> resolver.resolve(new Object[] {1L, ""}))
                .hasMessage("Partition column 'ds' is empty; every change needs a value for it");
    }
}
