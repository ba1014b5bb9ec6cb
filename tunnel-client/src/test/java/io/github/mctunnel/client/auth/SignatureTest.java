package io.github.mctunnel.client.auth;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Protocol spec 13.1 test vectors. */
class SignatureTest {

    private static final String DATE = "Mon, 01 Jan 2024 00:00:00 GMT";
    private static final String STS_A =
            "POST\n\n\n"
                    + DATE
                    + "\nx-odps-tunnel-version:6\n/projects/p/tables/t?curr_project=p&uploads";

    @Test
    void canonicalStringOfCreateUpload() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Date", DATE);
        headers.put("X-ODPS-Tunnel-Version", "6");
        headers.put("odps-tunnel-date-transform", "v1");
        headers.put("User-Agent", "x");
        Map<String, String> params = new HashMap<>();
        params.put("uploads", null);
        params.put("curr_project", "p");
        assertThat(CanonicalRequest.stringToSign("POST", headers, "/projects/p/tables/t", params))
                .isEqualTo(STS_A);
    }

    @Test
    void canonicalStringOfBlockPutWithPartition() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/octet-stream");
        headers.put("Date", DATE);
        headers.put("x-odps-tunnel-version", "6");
        Map<String, String> params = new HashMap<>();
        params.put("uploadid", "UP1");
        params.put("blockid", "0");
        params.put("partition", "pt=a b");
        params.put("curr_project", "p");
        String sts = CanonicalRequest.stringToSign("PUT", headers, "/projects/p/tables/t", params);
        assertThat(sts)
                .isEqualTo(
                        "PUT\n\napplication/octet-stream\n"
                                + DATE
                                + "\nx-odps-tunnel-version:6\n"
                                + "/projects/p/tables/t?blockid=0&curr_project=p&partition=pt=a b&uploadid=UP1");
        assertThat(SignatureV2.sign("sk", sts)).isEqualTo("22Zh4w+xVA/OOavfBCQ8SjPVO0Y=");
    }

    @Test
    void xOdpsQueryParamsAreSignedAsHeaderLinesToo() {
        Map<String, String> headers = Map.of("Date", DATE, "x-odps-b", "2");
        Map<String, String> params = new HashMap<>();
        params.put("x-odps-a", "1");
        params.put("x-odps-c", "");
        String sts = CanonicalRequest.stringToSign("GET", headers, "/r", params);
        assertThat(sts)
                .isEqualTo(
                        "GET\n\n\n"
                                + DATE
                                + "\nx-odps-a:1\nx-odps-b:2\nx-odps-c:\n/r?x-odps-a=1&x-odps-c");
    }

    @Test
    void v2Vector() {
        assertThat(SignatureV2.sign("sk", STS_A)).isEqualTo("1/3+JeQliZ9jtMDIfg7JMltaF54=");
    }

    @Test
    void v4Vector() {
        assertThat(
                        HexFormat.of()
                                .formatHex(SignatureV4.signingKey("sk", "cn-hangzhou", "20240101")))
                .isEqualTo("0e9492307d0696c4e2a881046fd3d48e4ec7a21b996a4c9ea55d8c3e86063846");
        assertThat(SignatureV4.sign("sk", "cn-hangzhou", "20240101", STS_A))
                .isEqualTo("rlB8wmNKhBsUl7e9ODbHqdi529s=");
    }

    private static Map<String, String> createUploadHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Date", DATE);
        headers.put("x-odps-tunnel-version", "6");
        return headers;
    }

    private static Map<String, String> createUploadParams() {
        Map<String, String> params = new HashMap<>();
        params.put("uploads", "");
        params.put("curr_project", "p");
        return params;
    }

    @Test
    void signerProducesV2AuthorizationHeader() {
        RequestSigner signer = new RequestSigner(StaticCredentialsProvider.of("ak", "sk"), null);
        Map<String, String> headers = createUploadHeaders();
        signer.sign("POST", headers, "/projects/p/tables/t", createUploadParams());
        assertThat(headers)
                .containsEntry("Authorization", "ODPS ak:1/3+JeQliZ9jtMDIfg7JMltaF54=")
                .doesNotContainKey("authorization-sts-token");
    }

    @Test
    void signerProducesV4AuthorizationHeaderWithUtcDateOfClock() {
        Clock clock = Clock.fixed(Instant.parse("2024-01-01T23:30:00Z"), ZoneOffset.ofHours(8));
        RequestSigner signer =
                new RequestSigner(StaticCredentialsProvider.of("ak", "sk"), "cn-hangzhou", clock);
        Map<String, String> headers = createUploadHeaders();
        signer.sign("POST", headers, "/projects/p/tables/t", createUploadParams());
        assertThat(headers)
                .containsEntry(
                        "Authorization",
                        "ODPS ak/20240101/cn-hangzhou/odps/aliyun_v4_request:rlB8wmNKhBsUl7e9ODbHqdi529s=");
    }

    @Test
    void stsCredentialsAddTheTokenHeaderWithoutSigningIt() {
        RequestSigner signer = new RequestSigner(() -> Credentials.sts("ak", "sk", "tok"), null);
        Map<String, String> headers = createUploadHeaders();
        signer.sign("POST", headers, "/projects/p/tables/t", createUploadParams());
        assertThat(headers)
                .containsEntry("Authorization", "ODPS ak:1/3+JeQliZ9jtMDIfg7JMltaF54=")
                .containsEntry("authorization-sts-token", "tok");
    }

    @Test
    void credentialsNeverShowSecretOrToken() {
        Credentials c = Credentials.sts("myAk", "mySecret", "myToken");
        assertThat(c.toString())
                .contains("myAk")
                .doesNotContain("mySecret")
                .doesNotContain("myToken");
        assertThat(new StaticCredentialsProvider(c).toString()).doesNotContain("mySecret");
        assertThatThrownBy(() -> Credentials.of("ak", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("accessKeySecret must not be blank");
    }
}
