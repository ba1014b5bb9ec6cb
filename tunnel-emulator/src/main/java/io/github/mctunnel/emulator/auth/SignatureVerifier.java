package io.github.mctunnel.emulator.auth;

import io.github.mctunnel.client.auth.CanonicalRequest;
import io.github.mctunnel.client.auth.SignatureV2;
import io.github.mctunnel.client.auth.SignatureV4;
import io.github.mctunnel.emulator.server.EmulatorRequest;
import io.github.mctunnel.emulator.server.EmulatorResponse;
import io.github.mctunnel.emulator.server.RequestInterceptor;
import io.github.mctunnel.emulator.server.ServiceException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Verifies the ODPS signature (V2 or V4, spec section 3) and the STS token of every request against
 * the configured credentials; answers 401 {@code Unauthorized} otherwise. With no credentials
 * configured every request is accepted unsigned.
 */
public final class SignatureVerifier implements RequestInterceptor {

    static final String STS_HEADER = "authorization-sts-token";

    private final Map<String, EmulatorCredential> byAccessId = new LinkedHashMap<>();

    public SignatureVerifier(Collection<EmulatorCredential> credentials) {
        for (EmulatorCredential c : credentials) {
            byAccessId.put(c.accessId(), c);
        }
    }

    public boolean isEnabled() {
        return !byAccessId.isEmpty();
    }

    @Override
    public void before(EmulatorRequest req, EmulatorResponse resp) {
        if (byAccessId.isEmpty()) {
            return;
        }
        String authorization = req.header("Authorization");
        if (authorization == null || !authorization.startsWith("ODPS ")) {
            throw unauthorized("The request authorization header is invalid or missing.");
        }
        String value = authorization.substring(5).trim();
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw unauthorized("The request authorization header is invalid or missing.");
        }
        String credential = value.substring(0, colon);
        String signature = value.substring(colon + 1);
        String[] scope = credential.split("/", -1);
        String accessId = scope[0];
        EmulatorCredential c = byAccessId.get(accessId);
        if (c == null) {
            throw unauthorized(
                    "The AccessKey id '" + accessId + "' is not known to this emulator.");
        }
        String stringToSign =
                CanonicalRequest.stringToSign(
                        req.method(), req.headers(), req.path(), req.params());
        String expected;
        if (scope.length == 1) {
            expected = SignatureV2.sign(c.accessKey(), stringToSign);
        } else if (scope.length == 5
                && scope[3].equals("odps")
                && scope[4].endsWith("_v4_request")) {
            expected = SignatureV4.sign(c.accessKey(), scope[2], scope[1], stringToSign);
        } else {
            throw unauthorized("The request authorization header is invalid or missing.");
        }
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8),
                signature.getBytes(StandardCharsets.UTF_8))) {
            throw unauthorized(
                    "The request signature of AccessKey id '"
                            + accessId
                            + "' does not match; check the AccessKey secret.");
        }
        if (c.stsToken() != null) {
            String token = req.header(STS_HEADER);
            if (token == null
                    || !MessageDigest.isEqual(
                            token.getBytes(StandardCharsets.UTF_8),
                            c.stsToken().getBytes(StandardCharsets.UTF_8))) {
                throw unauthorized(
                        "The STS token of AccessKey id '" + accessId + "' is invalid or missing.");
            }
        }
    }

    private static ServiceException unauthorized(String message) {
        return new ServiceException(401, "Unauthorized", message);
    }
}
