package io.github.mctunnel.emulator.auth;

import io.github.mctunnel.emulator.server.EmulatorRequest;
import io.github.mctunnel.emulator.server.EmulatorResponse;
import io.github.mctunnel.emulator.server.ServiceException;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Uses the signature test vectors of protocol spec 13.1 (ak=ak, sk=sk). */
class SignatureVerifierTest {

    /** The vectors' Date, 2024-01-01 00:00 GMT, seen by a server 10 minutes later. */
    private static final Clock AT_SIGNING =
            Clock.fixed(Instant.parse("2024-01-01T00:10:00Z"), ZoneOffset.UTC);

    private static final String V2 = "ODPS ak:1/3+JeQliZ9jtMDIfg7JMltaF54=";
    private static final String V4 =
            "ODPS ak/20240101/cn-hangzhou/odps/aliyun_v4_request:rlB8wmNKhBsUl7e9ODbHqdi529s=";

    private static EmulatorRequest request(String authorization, String stsToken, String path) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Date", "Mon, 01 Jan 2024 00:00:00 GMT");
        headers.put("X-Odps-Tunnel-Version", "6");
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        if (stsToken != null) {
            headers.put("authorization-sts-token", stsToken);
        }
        return EmulatorRequest.of(
                "POST", path, headers, InputStream.nullInputStream(), "127.0.0.1");
    }

    private static EmulatorRequest request(String authorization) {
        return request(authorization, null, "/projects/p/tables/t?uploads&curr_project=p");
    }

    private static void verify(SignatureVerifier v, EmulatorRequest r) {
        v.before(r, new EmulatorResponse());
    }

    private static void assertUnauthorized(SignatureVerifier v, EmulatorRequest r, String message) {
        assertThatThrownBy(() -> verify(v, r))
                .isInstanceOfSatisfying(
                        ServiceException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(401);
                            assertThat(e.code()).isEqualTo("Unauthorized");
                        })
                .hasMessage(message)
                .message()
                .doesNotContain("sk");
    }

    private final SignatureVerifier verifier =
            new SignatureVerifier(
                    List.of(EmulatorCredential.of("other", "x"), EmulatorCredential.of("ak", "sk")),
                    AT_SIGNING,
                    Duration.ofMinutes(15));

    @Test
    void acceptsGoodV2AndV4Signatures() {
        assertThatCode(() -> verify(verifier, request(V2))).doesNotThrowAnyException();
        assertThatCode(() -> verify(verifier, request(V4))).doesNotThrowAnyException();
    }

    @Test
    void metaPrefixIsNotPartOfTheSignedResource() {
        assertThatCode(
                        () ->
                                verify(
                                        verifier,
                                        request(
                                                V2,
                                                null,
                                                "/api/projects/p/tables/t?curr_project=p&uploads")))
                .doesNotThrowAnyException();
    }

    @Test
    void rejectsWrongKeyTamperedRequestAndMissingHeader() {
        SignatureVerifier wrongKey =
                new SignatureVerifier(
                        List.of(EmulatorCredential.of("ak", "sk2")),
                        AT_SIGNING,
                        Duration.ofMinutes(15));
        assertUnauthorized(
                wrongKey,
                request(V2),
                "The request signature of AccessKey id 'ak' does not match; check the AccessKey secret.");
        assertUnauthorized(
                wrongKey,
                request(V4),
                "The request signature of AccessKey id 'ak' does not match; check the AccessKey secret.");
        assertUnauthorized(
                verifier,
                request(V2, null, "/projects/p/tables/t?uploads&curr_project=q"),
                "The request signature of AccessKey id 'ak' does not match; check the AccessKey secret.");
        assertUnauthorized(
                verifier, request(null), "The request authorization header is invalid or missing.");
        assertUnauthorized(
                verifier,
                request("ODPS nobody:abc="),
                "The AccessKey id 'nobody' is not known to this emulator.");
    }

    @Test
    void stsTokenMustMatchWhenTheCredentialHasOne() {
        SignatureVerifier sts =
                new SignatureVerifier(
                        List.of(new EmulatorCredential("ak", "sk", "token-1")),
                        AT_SIGNING,
                        Duration.ofMinutes(15));
        assertThatCode(
                        () ->
                                verify(
                                        sts,
                                        request(
                                                V2,
                                                "token-1",
                                                "/projects/p/tables/t?uploads&curr_project=p")))
                .doesNotThrowAnyException();
        assertUnauthorized(
                sts,
                request(V2, "token-2", "/projects/p/tables/t?uploads&curr_project=p"),
                "The STS token of AccessKey id 'ak' is invalid or missing.");
        assertUnauthorized(
                sts, request(V2), "The STS token of AccessKey id 'ak' is invalid or missing.");
    }

    @Test
    void countsTheAcceptedRequestsOfEachAccessKeyId() {
        SignatureVerifier sts =
                new SignatureVerifier(
                        List.of(new EmulatorCredential("ak", "sk", "token-1")),
                        AT_SIGNING,
                        Duration.ofMinutes(15));
        String path = "/projects/p/tables/t?uploads&curr_project=p";
        verify(sts, request(V2, "token-1", path));
        verify(sts, request(V4, "token-1", path));
        assertUnauthorized(
                sts,
                request(V2, "token-2", path),
                "The STS token of AccessKey id 'ak' is invalid or missing.");

        assertThat(sts.acceptedCount("ak")).isEqualTo(2);
        assertThat(sts.acceptedCount("other")).isZero();
    }

    @Test
    void withoutCredentialsUnsignedRequestsPass() {
        SignatureVerifier open = new SignatureVerifier(List.of());
        assertThat(open.isEnabled()).isFalse();
        assertThatCode(() -> verify(open, request(null))).doesNotThrowAnyException();
    }

    @Test
    void credentialToStringHidesSecrets() {
        assertThat(new EmulatorCredential("ak", "secret-key", "secret-token").toString())
                .doesNotContain("secret");
    }

    @Test
    void dateOutsideTheSkewWindowIsRefusedAfterTheSignatureMatches() {
        SignatureVerifier late =
                new SignatureVerifier(
                        List.of(EmulatorCredential.of("ak", "sk")),
                        Clock.fixed(Instant.parse("2024-01-01T00:20:00Z"), ZoneOffset.UTC),
                        Duration.ofMinutes(15));
        assertThatThrownBy(() -> verify(late, request(V4)))
                .isInstanceOfSatisfying(
                        ServiceException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(403);
                            assertThat(e.code()).isEqualTo("RequestTimeTooSkewed");
                        })
                .hasMessageContaining("PT20M");
        SignatureVerifier unchecked =
                new SignatureVerifier(
                        List.of(EmulatorCredential.of("ak", "sk")),
                        Clock.fixed(Instant.parse("2024-01-01T00:20:00Z"), ZoneOffset.UTC),
                        Duration.ZERO);
        assertThatCode(() -> verify(unchecked, request(V2))).doesNotThrowAnyException();
    }
}
