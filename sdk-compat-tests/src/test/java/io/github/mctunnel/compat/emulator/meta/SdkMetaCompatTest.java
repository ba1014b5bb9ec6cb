package io.github.mctunnel.compat.emulator.meta;

import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.junit.TunnelEmulatorExtension;

import com.aliyun.odps.Column;
import com.aliyun.odps.Odps;
import com.aliyun.odps.OdpsException;
import com.aliyun.odps.Partition;
import com.aliyun.odps.PartitionSpec;
import com.aliyun.odps.Table;
import com.aliyun.odps.TableSchema;
import com.aliyun.odps.account.AliyunAccount;
import com.aliyun.odps.task.SQLTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official SDK's meta and SQL calls against the emulator. */
class SdkMetaCompatTest {

    @RegisterExtension
    static final TunnelEmulatorExtension EMULATOR =
            new TunnelEmulatorExtension(b -> b.project("p").credentials("ak", "sk"));

    private static Odps odps(String key) {
        Odps odps = new Odps(new AliyunAccount("ak", key));
        odps.setEndpoint(EMULATOR.emulator().odpsEndpoint());
        odps.setDefaultProject("p");
        return odps;
    }

    private static void sql(Odps odps, String sql) throws OdpsException {
        SQLTask.run(odps, sql).waitForSuccess();
    }

    @Test
    void plainTableDdlAndSchema() throws Exception {
        Odps odps = odps("sk");
        sql(
                odps,
                "CREATE TABLE IF NOT EXISTS plain_t (id BIGINT NOT NULL COMMENT 'the id', name STRING,"
                        + " price DECIMAL(10,2), tags ARRAY<STRING>, attrs MAP<STRING,BIGINT>,"
                        + " s STRUCT<a:INT,b:VARCHAR(10)>, ts TIMESTAMP) COMMENT 'plain';");
        assertThat(odps.tables().exists("plain_t")).isTrue();
        assertThat(odps.tables().exists("missing_t")).isFalse();
        Table t = odps.tables().get("plain_t");
        TableSchema schema = t.getSchema();
        List<String> cols = new ArrayList<>();
        for (Column c : schema.getColumns()) {
            cols.add(c.getName() + " " + c.getTypeInfo().getTypeName());
        }
        assertThat(cols)
                .containsExactly(
                        "id BIGINT",
                        "name STRING",
                        "price DECIMAL(10,2)",
                        "tags ARRAY<STRING>",
                        "attrs MAP<STRING,BIGINT>",
                        "s STRUCT<a:INT,b:VARCHAR(10)>",
                        "ts TIMESTAMP");
        assertThat(schema.getColumn("id").getComment()).isEqualTo("the id");
        assertThat(schema.getColumn("id").isNullable()).isFalse();
        assertThat(t.getComment()).isEqualTo("plain");
        assertThat(t.isTransactional()).isFalse();
        sql(odps, "DROP TABLE plain_t;");
        assertThat(odps.tables().exists("plain_t")).isFalse();
    }

    @Test
    void partitionedTablePartitionsAndHasPartition() throws Exception {
        Odps odps = odps("sk");
        sql(odps, "CREATE TABLE part_t (v BIGINT) PARTITIONED BY (ds STRING, hh STRING);");
        for (int i = 0; i < 3; i++) {
            sql(
                    odps,
                    "ALTER TABLE part_t ADD IF NOT EXISTS PARTITION (ds='2024 01', hh='0"
                            + i
                            + "');");
        }
        Table t = odps.tables().get("part_t");
        assertThat(t.getSchema().getPartitionColumns())
                .extracting(Column::getName)
                .containsExactly("ds", "hh");
        List<String> specs = new ArrayList<>();
        for (Partition p : t.getPartitions()) {
            specs.add(p.getPartitionSpec().toString());
        }
        assertThat(specs)
                .containsExactly(
                        "ds='2024 01',hh='00'", "ds='2024 01',hh='01'", "ds='2024 01',hh='02'");
        assertThat(t.hasPartition(new PartitionSpec("ds='2024 01',hh='01'"))).isTrue();
        assertThat(t.hasPartition(new PartitionSpec("ds='2024 01',hh='09'"))).isFalse();
        sql(odps, "ALTER TABLE part_t DROP PARTITION (ds='2024 01', hh='01');");
        assertThat(t.hasPartition(new PartitionSpec("ds='2024 01',hh='01'"))).isFalse();
        assertThat(EMULATOR.emulator().catalog().table("p", null, "part_t").partitions())
                .hasSize(2);
    }

    @Test
    void deltaTableIsTransactionalWithPrimaryKey() throws Exception {
        Odps odps = odps("sk");
        sql(
                odps,
                "CREATE TABLE delta_t (k BIGINT NOT NULL, v STRING, PRIMARY KEY (k))"
                        + " TBLPROPERTIES (\"transactional\"=\"true\", \"write.bucket.num\"=\"8\");");
        Table t = odps.tables().get("delta_t");
        assertThat(t.isTransactional()).isTrue();
        assertThat(t.getPrimaryKey()).containsExactly("k");
        TunnelEmulator emu = EMULATOR.emulator();
        assertThat(emu.catalog().table("p", null, "delta_t").bucketCount()).isEqualTo(8);
    }

    @Test
    void failedSqlSurfacesTheReason() {
        Odps odps = odps("sk");
        assertThatThrownBy(() -> sql(odps, "SELECT 1;"))
                .isInstanceOf(OdpsException.class)
                .hasMessageContaining("Unsupported statement 'SELECT 1'");
        assertThatThrownBy(() -> sql(odps, "CREATE TABLE bad_t (a NOSUCHTYPE);"))
                .isInstanceOf(OdpsException.class)
                .hasMessageContaining("unknown type nosuchtype");
    }

    @Test
    void wrongKeyIsUnauthorizedNotMissing() {
        Odps bad = odps("wrong-secret");
        // exists() must throw, not answer false: only a 404 means "missing". (The JDK transport
        // hides the body of a 401 on GET, so the SDK reports "Invalid connection." here.)
        assertThatThrownBy(() -> bad.tables().exists("anything")).isInstanceOf(OdpsException.class);
        assertThat(
                        EMULATOR.emulator()
                                .requestLog()
                                .entries(r -> r.path().equals("/api/projects/p/tables/anything")))
                .extracting(r -> r.status() + " " + r.errorCode())
                .isNotEmpty()
                .allMatch(s -> s.equals("401 Unauthorized"));
        assertThatThrownBy(() -> SQLTask.run(bad, "CREATE TABLE x_t (a BIGINT);"))
                .isInstanceOf(OdpsException.class);
        assertThat(
                        EMULATOR.emulator()
                                .requestLog()
                                .entries(r -> r.path().equals("/api/projects/p/instances")))
                .extracting(r -> r.status() + " " + r.errorCode())
                .contains("401 Unauthorized");
        assertThat(EMULATOR.emulator().catalog().findTable("p", null, "x_t")).isEmpty();
    }

    @Test
    void tunnelEndpointDiscovery() throws Exception {
        Odps odps = odps("sk");
        java.util.Map<String, String> params = new java.util.HashMap<>();
        params.put("service", null);
        byte[] body =
                odps.getRestClient()
                        .request("/projects/p/tunnel", "GET", params, null, null)
                        .getBody();
        assertThat("http://" + new String(body, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(EMULATOR.emulator().tunnelEndpoint());
    }
}
