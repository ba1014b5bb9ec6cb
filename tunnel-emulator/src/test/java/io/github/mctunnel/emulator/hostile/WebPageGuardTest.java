package io.github.mctunnel.emulator.hostile;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** On loopback, what a web page can send (Origin, a foreign Host, form content) is refused. */
class WebPageGuardTest {

    private static HostileFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new HostileFixture();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static final byte[] DROP =
            HostileSqlAndXmlTest.job("DROP TABLE t").getBytes(StandardCharsets.UTF_8);

    private static RawHttp.Answer drop(Map<String, String> headers) {
        return RawHttp.send(fx.port, "POST", "/api/projects/p/instances", headers, DROP);
    }

    private static void assertTableKept() {
        assertThat(fx.emulator.catalog().findTable("p", null, "t")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://evil.example", "null", "http://127.0.0.1:3000"})
    void requestsWithAnOriginAreRefused(String origin) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/xml");
        h.put("Origin", origin);
        RawHttp.Answer a = drop(h);
        assertThat(a.status()).as(a.toString()).isEqualTo(403);
        assertThat(a.code()).isEqualTo("AccessDenied");
        assertTableKept();
        RawHttp.Answer get =
                RawHttp.send(
                        fx.port, "GET", "/api/projects/p/tables/t", Map.of("Origin", origin), null);
        assertThat(get.status()).isEqualTo(403);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "evil.example",
                "evil.example:8080",
                "127.0.0.1.evil.example",
                "10.0.0.1",
                "[fe80::1]:80"
            })
    void foreignHostsAreRefused(String host) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", host);
        h.put("Content-Type", "application/xml");
        RawHttp.Answer a = drop(h);
        assertThat(a.status()).as(host + " " + a).isEqualTo(403);
        assertThat(a.code()).isEqualTo("AccessDenied");
        assertTableKept();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:1234", "127.0.0.1", "127.0.0.1:80", "[::1]:9"})
    void loopbackHostsAreServed(String host) {
        RawHttp.Answer a =
                RawHttp.send(
                        fx.port, "GET", "/api/projects/p/tables/t", Map.of("Host", host), null);
        assertThat(a.status()).as(host + " " + a).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x"
            })
    void instanceBodiesMustBeXml(String type) {
        RawHttp.Answer a = drop(Map.of("Content-Type", type));
        assertThat(a.status()).as(a.toString()).isEqualTo(415);
        assertThat(a.code()).isEqualTo("UnexpectedContent");
        assertTableKept();
    }

    @Test
    void instanceBodyWithoutContentTypeIsRefused() {
        RawHttp.Answer a = drop(Map.of());
        assertThat(a.status()).as(a.toString()).isEqualTo(415);
        assertTableKept();
    }

    @Test
    void blockBodiesMustBeOctetStream() {
        String id = fx.createUpload();
        RawHttp.Answer a =
                RawHttp.send(
                        fx.port,
                        "PUT",
                        "/projects/p/tables/t?uploadid=" + id + "&blockid=0",
                        Map.of("Content-Type", "text/plain"),
                        new byte[0]);
        assertThat(a.status()).as(a.toString()).isEqualTo(415);
        assertThat(a.code()).isEqualTo("UnexpectedContent");
    }

    @Test
    void tunnelFormPostsAreRefused() {
        RawHttp.Answer a =
                RawHttp.send(
                        fx.port,
                        "POST",
                        "/projects/p/tables/t?uploads",
                        Map.of("Content-Type", "application/x-www-form-urlencoded"),
                        "a=b".getBytes(StandardCharsets.UTF_8));
        assertThat(a.status()).as(a.toString()).isEqualTo(415);
    }
}
