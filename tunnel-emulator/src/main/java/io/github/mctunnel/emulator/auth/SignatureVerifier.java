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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Verifies the ODPS signature (V2 or V4, spec section 3) and the STS token of every request against
 * the configured credentials; answers 401 {@code Unauthorized} otherwise. With no credentials
 * configured every request is accepted unsigned.
 *
 * <p>A request whose signature matches must also be dated (its signed {@code Date} header, V2 and
 * V4 alike) within {@code maxClockSkew} (15 minutes, as the service) of the real time: the
 * emulator's <em>base</em> clock, not its simulated clock, because clients sign with their own real
 * time while tests move the emulator's clock days ahead. Otherwise it answers 403 {@code
 * RequestTimeTooSkewed} (the service's exact answer is not documented for the Tunnel; the ODPS API
 * lists ODPS-0410031 "Authentication request expired").
 */
public final class SignatureVerifier implements RequestInterceptor {

    static final String STS_HEADER = "authorization-sts-token";

    private final Map<String, EmulatorCredential> byAccessId = new LinkedHashMap<>();
    private final Map<String, AtomicLong> accepted = new ConcurrentHashMap<>();
    private final Clock realClock;
    private final Duration maxClockSkew;

    /** Checks dates against the system's clock with a 15-minute window. */
    public SignatureVerifier(Collection<EmulatorCredential> credentials) {
        this(credentials, Clock.systemUTC(), Duration.ofMinutes(15));
    }

    /**
     * @param realClock the clock request dates are compared with (the emulator clock's base)
     * @param maxClockSkew the largest difference accepted; {@link Duration#ZERO} for no check
     */
    public SignatureVerifier(
            Collection<EmulatorCredential> credentials, Clock realClock, Duration maxClockSkew) {
        this.realClock = realClock;
        this.maxClockSkew = maxClockSkew;
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
        checkDate(req.header("Date"));
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
        accepted.computeIfAbsent(accessId, k -> new AtomicLong()).incrementAndGet();
    }

    /** How many requests signed with {@code accessId} passed the checks so far. */
    public long acceptedCount(String accessId) {
        AtomicLong n = accepted.get(accessId);
        return n == null ? 0 : n.get();
    }

    private void checkDate(String date) {
        if (maxClockSkew.isZero()) {
            return;
        }
        if (date == null || date.isBlank()) {
            throw tooSkewed("The signed request has no Date header; send it in RFC 1123 GMT.");
        }
        Instant dated;
        try {
            dated =
                    ZonedDateTime.parse(date.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                            .toInstant();
        } catch (DateTimeParseException e) {
            throw tooSkewed(
                    "The Date header '"
                            + date
                            + "' is not an RFC 1123 date such as 'Mon, 01 Jan 2024 00:00:00 GMT'.");
        }
        Instant now = realClock.instant();
        Duration skew = Duration.between(now, dated).abs();
        if (skew.compareTo(maxClockSkew) > 0) {
            throw tooSkewed(
                    "The difference between the request time "
                            + dated
                            + " and the server's time "
                            + now
                            + " is "
                            + skew.withNanos(0)
                            + ", more than the allowed "
                            + maxClockSkew
                            + "; synchronize the client's clock (NTP).");
        }
    }

    private static ServiceException tooSkewed(String message) {
        return new ServiceException(403, "RequestTimeTooSkewed", message);
    }

    private static ServiceException unauthorized(String message) {
        return new ServiceException(401, "Unauthorized", message);
    }
}
