package io.github.mctunnel.emulator.catalog;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.emulator.server.ServiceException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CatalogTest {

    private static final Clock CLOCK = Clock.systemUTC();
    private static final TableIdentifier LOGS = TableIdentifier.of("p", "logs");
    private static final TableIdentifier USERS = TableIdentifier.of("p", "users");
    private static final PartitionSpec DS1 = PartitionSpec.parse("ds=20240101");

    @TempDir Path dir;

    private static TableDefinition logs() {
        return TableDefinition.plain(
                LOGS,
                new TableSchema(
                        List.of(
                                Column.of("id", "bigint"),
                                Column.of("msg", "string"),
                                Column.of("amount", "decimal(10,2)"),
                                Column.of("tags", "array<string>"),
                                Column.of("day", "date")),
                        List.of(Column.of("ds", "string"))));
    }

    private static TableDefinition users() {
        return TableDefinition.delta(
                USERS,
                TableSchema.of(
                        List.of(
                                new Column("id", TypeInfo.parse("bigint"), false, "", null),
                                Column.of("name", "string"))),
                List.of("id"));
    }

    private static byte[] s(String v) {
        return v.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Object[]> rows(Object[]... rows) {
        return java.util.Arrays.asList(rows);
    }

    private static Object[] logRow(long id, String msg) {
        return new Object[] {
            id, s(msg), new BigDecimal("1.50"), List.of("a", "b"), LocalDate.of(2024, 1, 1)
        };
    }

    @Test
    @SuppressWarnings("unchecked")
    void committedDataAndMetadataSurviveReopen() throws Exception {
        try (Catalog c = Catalog.open(dir, List.of("p"), CLOCK)) {
            c.createTable(logs(), false);
            c.createTable(users(), false);
            TableState t = c.table("p", null, "logs");
            t.commit(Map.of(DS1, rows(logRow(1, "a"), logRow(2, "b"))), false);
            t.commit(Map.of(DS1, rows(logRow(3, "c"))), false);
            c.table(USERS)
                    .applyUpserts(
                            PartitionSpec.empty(),
                            rows(new Object[] {1L, s("x")}, new Object[] {2L, s("y")}),
                            List.of());
            c.table(USERS)
                    .applyUpserts(
                            PartitionSpec.empty(),
                            rows(new Object[] {1L, s("x2")}),
                            rows(new Object[] {2L, null}));
        }
        try (Catalog c = Catalog.open(dir, List.of("p"), CLOCK)) {
            TableState t = c.table("P", null, "LOGS");
            assertThat(t.schema()).isEqualTo(logs().schema());
            assertThat(t.partitions()).containsExactly(DS1);
            List<Object[]> rows = t.snapshot(DS1);
            assertThat(rows).hasSize(3);
            assertThat(rows.get(2)[0]).isEqualTo(3L);
            assertThat(rows.get(2)[1]).isEqualTo(s("c"));
            assertThat(rows.get(0)[2]).isEqualTo(new BigDecimal("1.50"));
            // Stored rows come back in the codec's mapping: STRING as bytes at every level.
            assertThat((List<Object>) rows.get(0)[3]).containsExactly(s("a"), s("b"));
            TableState u = c.table(USERS);
            assertThat(u.transactional()).isTrue();
            assertThat(u.primaryKey()).containsExactly("id");
            assertThat(u.bucketCount()).isEqualTo(16);
            List<Object[]> users = u.snapshot(PartitionSpec.empty());
            assertThat(users).hasSize(1);
            assertThat(users.get(0)).containsExactly(1L, s("x2"));
        }
    }

    @Test
    void tornLastRecordIsIgnoredAndCut() throws Exception {
        try (Catalog c = Catalog.open(dir, List.of("p"), CLOCK)) {
            c.createTable(logs(), false);
            c.table(LOGS).commit(Map.of(DS1, rows(logRow(1, "a"))), false);
        }
        Path log = dir.resolve(CatalogLog.FILE_NAME);
        long intact = Files.size(log);
        try (Catalog c = Catalog.open(dir, List.of("p"), CLOCK)) {
            c.table(LOGS).commit(Map.of(DS1, rows(logRow(2, "b"))), false);
        }
        // Simulate a crash in the middle of the last write.
        long full = Files.size(log);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(intact + (full - intact) / 2);
        }
        try (Catalog c = Catalog.open(dir, List.of("p"), CLOCK)) {
            assertThat(c.table(LOGS).snapshot(DS1)).hasSize(1);
            c.table(LOGS).commit(Map.of(DS1, rows(logRow(3, "c"))), false);
        }
        assertThat(Files.size(log)).isGreaterThan(intact);
        try (Catalog c = Catalog.open(dir, List.of("p"), CLOCK)) {
            List<Object[]> rows = c.table(LOGS).snapshot(DS1);
            assertThat(rows).extracting(r -> r[0]).containsExactly(1L, 3L);
        }
    }

    @Test
    void corruptLastRecordIsIgnored() throws Exception {
        try (Catalog c = Catalog.open(dir, List.of("p"), CLOCK)) {
            c.createTable(logs(), false);
            c.table(LOGS).commit(Map.of(DS1, rows(logRow(1, "a"))), false);
        }
        Path log = dir.resolve(CatalogLog.FILE_NAME);
        byte[] bytes = Files.readAllBytes(log);
        bytes[bytes.length - 3] ^= 0x55;
        Files.write(log, bytes);
        try (Catalog c = Catalog.open(dir, List.of("p"), CLOCK)) {
            assertThat(c.table(LOGS).hasPartition(DS1)).isFalse();
        }
    }

    @Test
    void secondEmulatorOnSameDataDirIsRefused() throws Exception {
        try (Catalog c = Catalog.open(dir, List.of("p"), CLOCK)) {
            assertThatThrownBy(() -> Catalog.open(dir, List.of("p"), CLOCK))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("is in use by another running emulator");
        }
    }

    @Test
    void overwriteTruncateDropAndErrors() {
        Catalog c = Catalog.inMemory(List.of("p"), CLOCK);
        TableState t = c.createTable(logs(), false);
        PartitionSpec ds2 = PartitionSpec.parse("ds=20240102");
        t.commit(Map.of(DS1, rows(logRow(1, "a")), ds2, rows(logRow(2, "b"))), false);
        long v = t.modificationVersion(DS1);
        t.commit(Map.of(DS1, rows(logRow(9, "z"))), true);
        assertThat(t.modificationVersion(DS1)).isGreaterThan(v);
        assertThat(t.snapshot(DS1)).extracting(r -> r[0]).containsExactly(9L);
        assertThat(t.snapshot(ds2)).hasSize(1);
        t.truncate(null);
        assertThat(t.snapshot(ds2)).isEmpty();
        assertThat(t.dropPartition(ds2)).isTrue();
        assertThatThrownBy(() -> t.snapshot(ds2))
                .isInstanceOf(ServiceException.class)
                .hasMessage(
                        "The specified partition 'ds=20240102' of table p.logs does not exist.");
        assertThatThrownBy(() -> t.snapshot(PartitionSpec.empty()))
                .isInstanceOfSatisfying(
                        ServiceException.class,
                        e -> assertThat(e.code()).isEqualTo("MissingPartitionSpec"));
        assertThatThrownBy(() -> t.commit(Map.of(PartitionSpec.parse("x=1"), List.of()), false))
                .isInstanceOfSatisfying(
                        ServiceException.class,
                        e -> assertThat(e.code()).isEqualTo("InvalidPartitionSpec"));
        assertThatThrownBy(() -> t.commit(Map.of(DS1, rows(new Object[] {1L})), false))
                .hasMessage("A row of table p.logs has 1 values, expected 5.");
        assertThatThrownBy(() -> c.createTable(logs(), false))
                .hasMessage("Table p.logs already exists.");
        assertThat(c.createTable(logs(), true)).isSameAs(t);
        assertThatThrownBy(() -> c.table("q", null, "logs"))
                .hasMessage("The specified project 'q' does not exist.");
        assertThat(c.dropTable(LOGS, false)).isTrue();
        assertThat(c.dropTable(LOGS, true)).isFalse();
        assertThatThrownBy(() -> t.commit(Map.of(DS1, rows(logRow(1, "a"))), false))
                .hasMessage("The specified table 'p.logs' does not exist.");
    }

    @Test
    void upsertsNeedPrimaryKeyValues() {
        Catalog c = Catalog.inMemory(List.of("p"), CLOCK);
        TableState u = c.createTable(users(), false);
        assertThatThrownBy(
                        () ->
                                u.applyUpserts(
                                        PartitionSpec.empty(),
                                        rows(new Object[] {null, s("x")}),
                                        List.of()))
                .hasMessage("Primary key column 'id' of table p.users must not be NULL.");
        assertThat(u.snapshot(PartitionSpec.empty())).isEmpty();
    }

    @Test
    void committedRowArraysAreCopied() {
        Catalog c = Catalog.inMemory(List.of("p"), CLOCK);
        TableState t = c.createTable(logs(), false);
        Object[] reused = logRow(1, "a");
        t.commit(Map.of(DS1, rows(reused)), false);
        reused[0] = 99L;
        assertThat(t.snapshot(DS1).get(0)[0]).isEqualTo(1L);
    }
}
