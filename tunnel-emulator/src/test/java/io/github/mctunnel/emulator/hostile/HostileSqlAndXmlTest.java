package io.github.mctunnel.emulator.hostile;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Hostile SQL, XML and URLs answer 4xx (or a failed SQL instance) with a message, never 500. */
class HostileSqlAndXmlTest {

    private static HostileFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new HostileFixture();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    static String job(String sql) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Instance><Job><Tasks><SQL>"
                + "<Name>AnonymousSQLTask</Name><Query><![CDATA["
                + sql
                + "]]></Query></SQL></Tasks></Job></Instance>";
    }

    static RawHttp.Answer postInstance(String xml) {
        return RawHttp.send(
                fx.port,
                "POST",
                "/api/projects/p/instances",
                Map.of("Content-Type", "application/xml"),
                xml.getBytes(StandardCharsets.UTF_8));
    }

    static String abbrev(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** The SQL fails as an instance (201, then task status Failed with a message). */
    static void assertFailedInstance(String sql) {
        RawHttp.Answer a = postInstance(job(sql));
        assertThat(a.status()).as(abbrev(sql) + " -> " + a).isEqualTo(201);
        String location = a.headers().get("location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        RawHttp.Answer result =
                RawHttp.send(
                        fx.port,
                        "GET",
                        "/api/projects/p/instances/" + id + "?result",
                        Map.of(),
                        null);
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.text()).contains("FAILED: ").contains("<Status>Failed</Status>");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "CREATE TABLE x1 (a BIGINT DEFAULT",
                "SET ",
                "CREATE TABLE x2 (a DECIMAL(",
                "CREATE TABLE x3 (a ARRAY<",
                "CREATE TABLE x4 (a STRUCT<b:",
                "ALTER TABLE t ADD PARTITION (",
                "CREATE TABLE x5 (a BIGINT) PARTITIONED BY (",
                "CREATE TABLE x6 (a BIGINT) TBLPROPERTIES ('k'",
                "INSERT",
                "CREATE TABLE x7 (a VARCHAR(99999999999999999999))",
                "CREATE TABLE x8 (a DECIMAL(-1, 5))",
                "'unterminated",
                "CREATE TABLE `unterminated (a BIGINT)",
                "DROP TABLE",
                ";;;",
            })
    void brokenSqlFailsTheInstance(String sql) {
        assertFailedInstance(sql);
    }

    @Test
    void deeplyNestedTypeIsRefusedNotAStackOverflow() {
        String deep = "ARRAY<".repeat(5000) + "BIGINT" + ">".repeat(5000);
        assertFailedInstance("CREATE TABLE deep (a " + deep + ")");
        String deepStruct = "STRUCT<a:".repeat(3000) + "BIGINT" + ">".repeat(3000);
        assertFailedInstance("CREATE TABLE deep2 (a " + deepStruct + ")");
    }

    @Test
    void nestingUpToTheCapIsAccepted() {
        String ok = "ARRAY<".repeat(20) + "BIGINT" + ">".repeat(20);
        RawHttp.Answer a = postInstance(job("CREATE TABLE nested20 (a " + ok + ")"));
        assertThat(a.status()).isEqualTo(201);
        assertThat(fx.emulator.catalog().findTable("p", null, "nested20")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "<Query>DROP TABLE t</Query>",
                "<Instance><Query>DROP TABLE t</Query></Instance>",
                "<Instance><Job><Tasks><SQL><Query/></SQL></Tasks></Job></Instance>",
                "<Instance>",
                "not xml",
                "",
                "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>",
            })
    void hostileInstanceXmlIs4xx(String xml) {
        RawHttp.Answer a = postInstance(xml);
        assertThat(a.status()).as(abbrev(xml) + " -> " + a).isBetween(400, 499);
        assertThat(a.code()).as(a.toString()).isNotNull();
        assertThat(fx.emulator.catalog().findTable("p", null, "t")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/projects/p/tables/t?uploads&curr_project=%zz",
                "/projects/p/tables/t?%=1&uploads",
                "/projects/p/tables/t?uploads&x=%",
                "/projects/p%zz/tables/t?uploads",
                "/api/projects/p/tables/t?partition=%e0%80",
                "/api/projects/p/tables?maxitems=%G1",
                "/projects/p/tables/t?downloads&partition=ds%3D%27",
            })
    void badPercentEscapesAre400(String target) {
        RawHttp.Answer a =
                RawHttp.send(
                        fx.port,
                        target.contains("uploads") ? "POST" : "GET",
                        target,
                        Map.of(),
                        null);
        assertThat(a.status()).as(target + " -> " + a).isBetween(400, 499);
        assertThat(a.code()).isNotNull();
    }
}
