package io.github.mctunnel.emulator.catalog;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.server.ServiceException;
import io.github.mctunnel.emulator.sql.SqlExecutor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A partition value that cannot be stored is refused before it reaches the catalog log. */
class PartitionValueBrickTest {

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "a,b", "a/b,c=d"})
    void unstorableValuesAreRefusedAndTheDirectoryStillOpens(String value) throws Exception {
        try (Catalog c = Catalog.open(dir, List.of("p"), Clock.systemUTC())) {
            new SqlExecutor(c).execute("CREATE TABLE t (a BIGINT) PARTITIONED BY (ds STRING)", "p");
            TableState t = c.table("p", null, "t");
            t.createPartitionIfAbsent(PartitionSpec.of(Map.of("ds", "ok")));
            assertThatThrownBy(
                            () -> t.createPartitionIfAbsent(PartitionSpec.of(Map.of("ds", value))))
                    .isInstanceOf(ServiceException.class)
                    .satisfies(
                            e -> {
                                assertThat(((ServiceException) e).status()).isEqualTo(400);
                                assertThat(((ServiceException) e).code())
                                        .isEqualTo("InvalidPartitionSpec");
                            });
        }
        try (Catalog c = Catalog.open(dir, List.of("p"), Clock.systemUTC())) {
            assertThat(c.table("p", null, "t").partitions())
                    .containsExactly(PartitionSpec.of(Map.of("ds", "ok")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"x=y", "it's", "q\"x", "2024-01-01 10:00"})
    void valuesThatReadBackAreKeptAcrossRestarts(String value) throws Exception {
        try (Catalog c = Catalog.open(dir, List.of("p"), Clock.systemUTC())) {
            new SqlExecutor(c).execute("CREATE TABLE t (a BIGINT) PARTITIONED BY (ds STRING)", "p");
            c.table("p", null, "t").createPartitionIfAbsent(PartitionSpec.of(Map.of("ds", value)));
        }
        try (Catalog c = Catalog.open(dir, List.of("p"), Clock.systemUTC())) {
            assertThat(c.table("p", null, "t").partitions())
                    .containsExactly(PartitionSpec.of(Map.of("ds", value)));
        }
    }

    @Test
    void ordinaryValuesStillWork() throws Exception {
        try (Catalog c = Catalog.open(dir, List.of("p"), Clock.systemUTC())) {
            new SqlExecutor(c).execute("CREATE TABLE t (a BIGINT) PARTITIONED BY (ds STRING)", "p");
            c.table("p", null, "t")
                    .createPartitionIfAbsent(PartitionSpec.of(Map.of("ds", "2024-01-01 10:00")));
        }
        try (Catalog c = Catalog.open(dir, List.of("p"), Clock.systemUTC())) {
            assertThat(c.table("p", null, "t").partitions()).hasSize(1);
        }
    }
}
