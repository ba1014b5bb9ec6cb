package io.github.mctunnel.client.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Signature V2: {@code Base64(HMAC-SHA1(secret, stringToSign))} (protocol spec 3.1). */
public final class SignatureV2 {

    private SignatureV2() {}

    /** Returns the Base64 signature of {@code stringToSign}. */
    public static String sign(String accessKeySecret, String stringToSign) {
        return Base64.getEncoder()
                .encodeToString(
                        Hmac.compute(
                                "HmacSHA1",
                                accessKeySecret.getBytes(StandardCharsets.UTF_8),
                                stringToSign.getBytes(StandardCharsets.UTF_8)));
    }

    /** The {@code Authorization} header value {@code ODPS <ak>:<signature>}. */
    public static String authorization(String accessId, String signature) {
        return "ODPS " + accessId + ":" + signature;
    }
}
