package io.github.mctunnel.client.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Signature V4 (protocol spec 3.2): the key is derived by an HMAC-SHA256 chain over {@code
 * "aliyun_v4" + secret}, date, region, {@code odps} and {@code aliyun_v4_request}; the final MAC
 * over the string-to-sign is HMAC-SHA1.
 */
public final class SignatureV4 {

    private static final String SERVICE = "odps";
    private static final String REQUEST = "aliyun_v4_request";

    private SignatureV4() {}

    /**
     * Returns the Base64 signature.
     *
     * @param yyyyMMdd the UTC date of signing, e.g. {@code 20240101}
     */
    public static String sign(
            String accessKeySecret, String region, String yyyyMMdd, String stringToSign) {
        byte[] key = signingKey(accessKeySecret, region, yyyyMMdd);
        return Base64.getEncoder()
                .encodeToString(
                        Hmac.compute(
                                "HmacSHA1", key, stringToSign.getBytes(StandardCharsets.UTF_8)));
    }

    /** The derived signing key (exposed for test vectors). */
    public static byte[] signingKey(String accessKeySecret, String region, String yyyyMMdd) {
        byte[] k = ("aliyun_v4" + accessKeySecret).getBytes(StandardCharsets.UTF_8);
        k = Hmac.compute("HmacSHA256", k, yyyyMMdd.getBytes(StandardCharsets.UTF_8));
        k = Hmac.compute("HmacSHA256", k, region.getBytes(StandardCharsets.UTF_8));
        k = Hmac.compute("HmacSHA256", k, SERVICE.getBytes(StandardCharsets.UTF_8));
        return Hmac.compute("HmacSHA256", k, REQUEST.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The {@code Authorization} header value {@code ODPS
     * ak/date/region/odps/aliyun_v4_request:sig}.
     */
    public static String authorization(
            String accessId, String region, String yyyyMMdd, String signature) {
        return "ODPS " + accessId + "/" + yyyyMMdd + "/" + region + "/" + SERVICE + "/" + REQUEST
                + ":" + signature;
    }
}
