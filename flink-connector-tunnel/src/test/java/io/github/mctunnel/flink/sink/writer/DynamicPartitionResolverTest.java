package io.github.mctunnel.flink.sink.writer;

import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one partition resolver of the three sinks, with the upsert sink's messages. */
class DynamicPartitionResolverTest {

    private static final List<Column> FIELDS =
            List.of(Column.of("id", "bigint"), Column.of("ds", "string"));

    private final DynamicPartitionResolver upsert =
            DynamicPartitionResolver.withoutDefault(
                    1,
                    List.of(Column.of("ds", "string")),
                    "; every change needs a value for it",
                    "; every change needs a usable value for it");

    private static StagedRecord record(String ds) {
        StagedRecord r = new StagedRecord(FIELDS);
        r.setBigint(0, 1);
        r.setString(1, ds);
        return r;
    }

    @Test
    void usableValuesAreTakenAsTheyAreAndConsecutiveRecordsShareTheSpec() {
        PartitionSpec first = upsert.resolve(record("2024 01"));
        assertThat(first).isEqualTo(PartitionSpec.parse("ds=2024 01"));
        StagedRecord bytes = new StagedRecord(FIELDS);
        byte[] utf8 = "2024 01".getBytes(StandardCharsets.UTF_8);
        bytes.setString(1, utf8, 0, utf8.length);
        assertThat(upsert.resolve(bytes)).isSameAs(first);
        assertThat(upsert.resolve(record("x")).get("ds")).isEqualTo("x");
    }

    @Test
    void whitespaceIsRejectedNotTrimmed() {
        assertThatThrownBy(() -> upsert.resolve(record(" 20240101")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Partition column 'ds' has the value ' 20240101', which cannot name a"
                                + " partition (leading or trailing whitespace); every change"
                                + " needs a usable value for it");
        assertThatThrownBy(() -> upsert.resolve(record("   ")))
                .hasMessage(
                        "Partition column 'ds' has the value '   ', which cannot name a"
                                + " partition (only whitespace); every change needs a usable"
                                + " value for it");
    }

    @Test
    void valuesThatBreakThePartitionSpecAreRejected() {
        assertThatThrownBy(() -> upsert.resolve(record("a=b")))
                .hasMessage(
                        "Partition column 'ds' has the value 'a=b', which cannot name a"
                                + " partition (no / = , quotes or control characters); every"
                                + " change needs a usable value for it");
        assertThatThrownBy(() -> upsert.resolve(record(null)))
                .hasMessage("Partition column 'ds' is NULL; every change needs a value for it");
        assertThatThrownBy(() -> upsert.resolve(record("")))
                .hasMessage("Partition column 'ds' is empty; every change needs a value for it");
    }

    @Test
    void theAppendSinksSendUnusableValuesToTheDefaultPartitionOrNameIt() {
        TableSchema schema =
                new TableSchema(
                        List.of(Column.of("id", "bigint")), List.of(Column.of("ds", "string")));
        PartitionSpec fallback = PartitionSpec.parse("ds=unknown");
        assertThat(new DynamicPartitionResolver(schema, fallback).resolve(record("a/b")))
                .isSameAs(fallback);
        assertThatThrownBy(() -> new DynamicPartitionResolver(schema, null).resolve(record(null)))
                .hasMessage(
                        "Partition column 'ds' is NULL; set a default partition"
                                + " (setDefaultPartition) to write such records there");
        // a BIGINT partition value is its decimal text
        StagedRecord numeric = new StagedRecord(FIELDS);
        numeric.setBigint(1, 20240101);
        assertThat(new DynamicPartitionResolver(schema, null).resolve(numeric))
                .isEqualTo(PartitionSpec.parse("ds=20240101"));
    }

    @Test
    void interleavedPartitionsKeepTheCacheBoundedAndRouteEveryRecordRight() {
        StagedRecord a = record("x".repeat(40) + "a");
        StagedRecord b = record("x".repeat(40) + "b");
        DynamicPartitionResolver resolver =
                DynamicPartitionResolver.withoutDefault(
                        1, List.of(Column.of("ds", "string")), "; missing", "; unusable");
        for (int n = 0; n < 200_000; n++) {
            StagedRecord r = n % 2 == 0 ? a : b;
            assertThat(resolver.resolve(r).get("ds")).endsWith(n % 2 == 0 ? "a" : "b");
        }
        assertThat(resolver.cachedBytes()).isLessThanOrEqualTo(256);
    }
}
