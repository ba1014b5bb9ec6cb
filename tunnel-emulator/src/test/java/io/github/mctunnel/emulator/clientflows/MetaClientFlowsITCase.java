package io.github.mctunnel.emulator.clientflows;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.meta.TableInfo;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.emulator.TunnelEmulator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.github.mctunnel.emulator.clientflows.ClientFlowsFixture.PROJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Our client's meta calls against emulator tables created with SQL DDL. */
class MetaClientFlowsITCase {

    private TunnelEmulator emulator;
    private TunnelClient client;

    @BeforeEach
    void start() throws Exception {
        emulator = ClientFlowsFixture.startEmulator();
        client = ClientFlowsFixture.client(emulator);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        emulator.close();
    }

    @Test
    void plainTableSchemaWithEveryColumnType() throws Exception {
        emulator.executeSql(
                "CREATE TABLE plain (id BIGINT NOT NULL COMMENT 'the id', name STRING,"
                        + " v VARCHAR(10), c CHAR(5), d DECIMAL(38,18), ts TIMESTAMP_NTZ,"
                        + " tags ARRAY<MAP<STRING,STRUCT<x:INT,y:ARRAY<STRING>>>>)");

        TableInfo info = client.getTable(client.table("plain"));

        assertThat(info.id()).isEqualTo(TableIdentifier.of(PROJECT, "plain"));
        assertThat(info.schema().columns())
                .extracting(Column::name, Column::type, Column::nullable)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("id", TypeInfo.parse("BIGINT"), false),
                        org.assertj.core.groups.Tuple.tuple("name", TypeInfo.parse("STRING"), true),
                        org.assertj.core.groups.Tuple.tuple(
                                "v", TypeInfo.parse("VARCHAR(10)"), true),
                        org.assertj.core.groups.Tuple.tuple("c", TypeInfo.parse("CHAR(5)"), true),
                        org.assertj.core.groups.Tuple.tuple(
                                "d", TypeInfo.parse("DECIMAL(38,18)"), true),
                        org.assertj.core.groups.Tuple.tuple(
                                "ts", TypeInfo.parse("TIMESTAMP_NTZ"), true),
                        org.assertj.core.groups.Tuple.tuple(
                                "tags",
                                TypeInfo.parse("ARRAY<MAP<STRING,STRUCT<x:INT,y:ARRAY<STRING>>>>"),
                                true));
        assertThat(info.schema().column(0).comment()).isEqualTo("the id");
        assertThat(info.schema().partitionKeys()).isEmpty();
        assertThat(info.transactional()).isFalse();
        assertThat(info.primaryKey()).isEmpty();
        assertThat(info.isDeltaTable()).isFalse();
    }

    @Test
    void partitionedTablePartitionsThroughSqlInstances() throws Exception {
        emulator.executeSql(
                "CREATE TABLE events (id BIGINT, payload STRING) PARTITIONED BY (ds STRING, hh"
                        + " STRING)");
        TableIdentifier events = client.table("events");

        TableInfo info = client.getTable(events);
        assertThat(info.schema().partitionKeyNames()).containsExactly("ds", "hh");
        assertThat(info.schema().columnNames()).containsExactly("id", "payload");
        assertThat(client.meta().listPartitions(events)).isEmpty();

        client.meta().createPartition(events, PartitionSpec.parse("ds=20240101,hh=01"), false);
        client.meta().createPartition(events, PartitionSpec.parse("ds=20240101,hh=02"), false);
        client.meta().createPartition(events, PartitionSpec.parse("ds=20240102,hh=00"), true);
        // IF NOT EXISTS on an existing partition is not an error
        client.meta().createPartition(events, PartitionSpec.parse("ds=20240101,hh=01"), true);

        assertThat(client.meta().listPartitions(events))
                .extracting(PartitionSpec::toString)
                .containsExactlyInAnyOrder(
                        "ds=20240101,hh=01", "ds=20240101,hh=02", "ds=20240102,hh=00");

        assertThatThrownBy(
                        () ->
                                client.meta()
                                        .createPartition(
                                                events,
                                                PartitionSpec.parse("ds=20240101,hh=01"),
                                                false))
                .isInstanceOf(TunnelException.class)
                .hasMessageContaining("already exists");

        client.meta().dropPartition(events, PartitionSpec.parse("ds=20240101,hh=02"), false);
        client.meta().dropPartition(events, PartitionSpec.parse("ds=19990101,hh=00"), true);
        assertThat(client.meta().listPartitions(events))
                .extracting(PartitionSpec::toString)
                .containsExactlyInAnyOrder("ds=20240101,hh=01", "ds=20240102,hh=00");
    }

    @Test
    void deltaTableIsTransactionalWithPrimaryKey() throws Exception {
        emulator.executeSql(
                "CREATE TABLE delta (k1 BIGINT NOT NULL, k2 STRING NOT NULL, v DOUBLE,"
                        + " PRIMARY KEY (k1, k2)) TBLPROPERTIES (\"transactional\"=\"true\","
                        + " \"write.bucket.num\"=\"4\")");

        TableInfo info = client.getTable(client.table("delta"));

        assertThat(info.transactional()).isTrue();
        assertThat(info.primaryKey()).containsExactly("k1", "k2");
        assertThat(info.isDeltaTable()).isTrue();
        assertThat(info.schema().columnNames()).containsExactly("k1", "k2", "v");
    }

    @Test
    void missingTableIs404NoSuchTable() {
        assertThatThrownBy(() -> client.getTable(client.table("nope")))
                .isInstanceOfSatisfying(
                        TunnelException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(404);
                            assertThat(e.errorCode()).isEqualTo("NoSuchTable");
                            assertThat(e.getMessage()).contains(PROJECT + ".nope");
                        });
    }

    @Test
    void droppedTableIsGone() throws Exception {
        emulator.executeSql("CREATE TABLE gone (a BIGINT)");
        assertThat(client.getTable(client.table("gone")).schema().columnNames())
                .containsExactly("a");
        emulator.executeSql("DROP TABLE gone");
        assertThatThrownBy(() -> client.getTable(client.table("gone")))
                .isInstanceOf(TunnelException.class);
    }
}
