package io.github.mctunnel.emulator.sql;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.catalog.TableDefinition;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlParserTest {

    private static TableDefinition create(String sql) {
        List<SqlStatement> s = SqlParser.parse(sql, "p");
        assertThat(s).hasSize(1);
        return ((SqlStatement.CreateTable) s.get(0)).definition();
    }

    @Test
    void everyColumnTypeWithCommentsAndPartitions() {
        TableDefinition d =
                create(
                        "CREATE TABLE IF NOT EXISTS All_Types (\n"
                                + "  c_bigint BIGINT COMMENT 'big', c_int INT, c_smallint SMALLINT,"
                                + " c_tinyint TINYINT, c_boolean BOOLEAN, c_double DOUBLE, c_float FLOAT,\n"
                                + "  c_string STRING NOT NULL, c_varchar VARCHAR(20), c_char CHAR(5),"
                                + " c_binary BINARY, c_json JSON, c_decimal DECIMAL(10, 2), c_dec DECIMAL,\n"
                                + "  c_date DATE, c_datetime DATETIME, c_timestamp TIMESTAMP,"
                                + " c_ntz TIMESTAMP_NTZ, c_idt INTERVAL_DAY_TIME, c_iym INTERVAL_YEAR_MONTH,\n"
                                + "  c_array ARRAY<BIGINT>, c_map MAP<STRING, ARRAY<DOUBLE>>,"
                                + " `c_struct` STRUCT<a:BIGINT COMMENT 'x', `b`:STRING> COMMENT 'st'\n"
                                + ") COMMENT 'all the types' PARTITIONED BY (ds STRING COMMENT 'day', hh BIGINT)"
                                + " LIFECYCLE 7;");
        assertThat(d.id()).isEqualTo(TableIdentifier.of("p", "all_types"));
        assertThat(d.comment()).isEqualTo("all the types");
        assertThat(d.lifecycleDays()).isEqualTo(7);
        assertThat(d.schema().columns())
                .extracting(c -> c.name() + " " + c.type())
                .containsExactly(
                        "c_bigint bigint",
                        "c_int int",
                        "c_smallint smallint",
                        "c_tinyint tinyint",
                        "c_boolean boolean",
                        "c_double double",
                        "c_float float",
                        "c_string string",
                        "c_varchar varchar(20)",
                        "c_char char(5)",
                        "c_binary binary",
                        "c_json json",
                        "c_decimal decimal(10,2)",
                        "c_dec decimal(38,18)",
                        "c_date date",
                        "c_datetime datetime",
                        "c_timestamp timestamp",
                        "c_ntz timestamp_ntz",
                        "c_idt interval_day_time",
                        "c_iym interval_year_month",
                        "c_array array<bigint>",
                        "c_map map<string,array<double>>",
                        "c_struct struct<a:bigint,b:string>");
        assertThat(d.schema().column(0).comment()).isEqualTo("big");
        assertThat(d.schema().column(7).nullable()).isFalse();
        assertThat(d.schema().column(22).comment()).isEqualTo("st");
        assertThat(d.schema().partitionKeys())
                .containsExactly(
                        new Column(
                                "ds",
                                io.github.mctunnel.client.schema.TypeInfo.parse("string"),
                                true,
                                "day",
                                null),
                        Column.of("hh", "bigint"));
        assertThat(d.transactional()).isFalse();
        assertThat(d.bucketCount()).isZero();
    }

    @Test
    void deltaTableWithPrimaryKeyAndBuckets() {
        TableDefinition d =
                create(
                        "create table p2.s1.users (id bigint not null, name string, primary key (id))"
                                + " tblproperties (\"transactional\"=\"true\", \"write.bucket.num\"=\"4\")");
        assertThat(d.id()).isEqualTo(new TableIdentifier("p2", "s1", "users"));
        assertThat(d.primaryKey()).containsExactly("id");
        assertThat(d.transactional()).isTrue();
        assertThat(d.bucketCount()).isEqualTo(4);
        TableDefinition inline =
                create(
                        "CREATE TABLE t (k STRING PRIMARY KEY, v BIGINT) TBLPROPERTIES ('transactional'='true')");
        assertThat(inline.primaryKey()).containsExactly("k");
        assertThat(inline.bucketCount()).isEqualTo(16);
        assertThat(inline.schema().column(0).nullable()).isFalse();
    }

    @Test
    void primaryKeyWithoutTransactionalIsRefused() {
        assertThatThrownBy(() -> create("CREATE TABLE t (k BIGINT NOT NULL, PRIMARY KEY (k))"))
                .isInstanceOf(SqlException.class)
                .hasMessage(
                        "Invalid CREATE TABLE p.t: a table with a primary key must set TBLPROPERTIES"
                                + " (\"transactional\"=\"true\")");
    }

    @Test
    void dropAlterTruncateAndSet() {
        List<SqlStatement> s =
                SqlParser.parse(
                        "set odps.sql.type.system.odps2=true;\n"
                                + "DROP TABLE IF EXISTS t;\n"
                                + "ALTER TABLE t ADD IF NOT EXISTS PARTITION (ds='2024', hh=1) PARTITION (ds='x y', hh=2);\n"
                                + "ALTER TABLE t DROP IF EXISTS PARTITION (ds='2024', hh='1'), PARTITION (ds=\"x y\", hh=2);\n"
                                + "TRUNCATE TABLE t PARTITION (ds='2024', hh='1');\n"
                                + "TRUNCATE TABLE t;",
                        "p");
        TableIdentifier t = TableIdentifier.of("p", "t");
        PartitionSpec a = PartitionSpec.parse("ds=2024,hh=1");
        PartitionSpec b = PartitionSpec.parse("ds=x y,hh=2");
        assertThat(s)
                .containsExactly(
                        new SqlStatement.Set("odps.sql.type.system.odps2", "true"),
                        new SqlStatement.DropTable(t, true),
                        new SqlStatement.AddPartitions(t, true, List.of(a, b)),
                        new SqlStatement.DropPartitions(t, true, List.of(a, b)),
                        new SqlStatement.Truncate(t, List.of(a)),
                        new SqlStatement.Truncate(t, List.of()));
    }

    @Test
    void clearErrors() {
        assertThatThrownBy(() -> SqlParser.parse("SELECT * FROM t;", "p"))
                .hasMessage(
                        "Unsupported statement 'SELECT * FROM t': the emulator runs CREATE TABLE,"
                                + " DROP TABLE, ALTER TABLE ADD/DROP PARTITION, TRUNCATE TABLE and SET only.");
        assertThatThrownBy(() -> create("CREATE TABLE t (a BIGINT, b)"))
                .hasMessage("Parse error at line 1, column 28: expected a column type, found ')'.");
        assertThatThrownBy(() -> create("CREATE TABLE t (a BIGINTEGER)"))
                .hasMessageStartingWith("Invalid MaxCompute type 'BIGINTEGER'");
        assertThatThrownBy(() -> create("CREATE TABLE t (a bigint) PARTITIONED BY (a string)"))
                .hasMessage("Invalid CREATE TABLE p.t: partition key a is also a data column");
        assertThatThrownBy(() -> create("CREATE TABLE t AS SELECT 1"))
                .hasMessage(
                        "CREATE TABLE .. AS is not supported by the emulator; declare the columns explicitly.");
    }
}
