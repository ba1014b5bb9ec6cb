package io.github.mctunnel.emulator.hostile;

import io.github.mctunnel.client.auth.RequestSigner;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.emulator.TunnelEmulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed requests dated more than 15 minutes from the real time are refused with 403 {@code
 * RequestTimeTooSkewed}; the emulator's simulated clock, however far advanced, plays no part.
 */
class ClockSkewTest {

    private static final DateTimeFormatter RFC_1123 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
                    .withZone(ZoneOffset.UTC);

    private static TunnelEmulator emulator;

    @BeforeAll
    static void start() throws Exception {
        emulator = TunnelEmulator.builder().project("p").credentials("ak", "sk").build().start();
        emulator.executeSql("CREATE TABLE t (id BIGINT)");
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    /**
     * Creates an upload session with a request signed (V2, or V4 with a region) at {@code date}.
     */
    private static RawHttp.Answer createUpload(Instant date, String region) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Date", RFC_1123.format(date));
        headers.put("x-odps-tunnel-version", "6");
        Map<String, String> params = new LinkedHashMap<>();
        params.put("uploads", "");
        params.put("curr_project", "p");
        new RequestSigner(
                        StaticCredentialsProvider.of("ak", "sk"),
                        region,
                        Clock.fixed(date, ZoneOffset.UTC))
                .sign("POST", headers, "/projects/p/tables/t", params);
        return RawHttp.send(
                emulator.port(),
                "POST",
                "/projects/p/tables/t?uploads&curr_project=p",
                headers,
                null);
    }

    @Test
    void requestSignedTwentyMinutesAgoIsRefused() {
        RawHttp.Answer a = createUpload(Instant.now().minus(Duration.ofMinutes(20)), null);
        assertThat(a.status()).as(a.toString()).isEqualTo(403);
        assertThat(a.code()).isEqualTo("RequestTimeTooSkewed");
        assertThat(a.text()).contains("more than the allowed PT15M");
    }

    @Test
    void requestDatedTwentyMinutesAheadIsRefused() {
        RawHttp.Answer a = createUpload(Instant.now().plus(Duration.ofMinutes(20)), "cn-hangzhou");
        assertThat(a.status()).as(a.toString()).isEqualTo(403);
        assertThat(a.code()).isEqualTo("RequestTimeTooSkewed");
    }

    @Test
    void requestsFiveMinutesOffPass() {
        assertThat(createUpload(Instant.now().minus(Duration.ofMinutes(5)), null).status())
                .isEqualTo(200);
        assertThat(createUpload(Instant.now().plus(Duration.ofMinutes(5)), "cn-hangzhou").status())
                .isEqualTo(200);
    }

    @Test
    void theSimulatedClockDoesNotCount() {
        emulator.advanceClock(Duration.ofHours(60));
        RawHttp.Answer a = createUpload(Instant.now(), null);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(createUpload(Instant.now().minus(Duration.ofMinutes(20)), null).status())
                .isEqualTo(403);
    }

    @Test
    void signedRequestWithoutDateIsRefused() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-odps-tunnel-version", "6");
        Map<String, String> params = new LinkedHashMap<>();
        params.put("uploads", "");
        params.put("curr_project", "p");
        new RequestSigner(StaticCredentialsProvider.of("ak", "sk"), null)
                .sign("POST", headers, "/projects/p/tables/t", params);
        RawHttp.Answer a =
                RawHttp.send(
                        emulator.port(),
                        "POST",
                        "/projects/p/tables/t?uploads&curr_project=p",
                        headers,
                        null);
        assertThat(a.status()).as(a.toString()).isEqualTo(403);
        assertThat(a.code()).isEqualTo("RequestTimeTooSkewed");
    }
}
