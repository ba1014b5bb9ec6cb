package io.github.mctunnel.e2e;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuickstartSettingsTest {

    private static final Map<String, String> REAL_PROJECT =
            Map.of(
                    "MAXCOMPUTE_ENDPOINT", "https://service.cn-hangzhou.maxcompute.aliyun.com/api",
                    "MAXCOMPUTE_PROJECT", "analytics",
                    "MAXCOMPUTE_ACCESS_ID", "LTAI-id",
                    "MAXCOMPUTE_ACCESS_KEY", "s3cr3t");

    @Test
    void withoutEndpointTheEmbeddedEmulatorRunsWithTheDefaults() {
        QuickstartSettings s = QuickstartSettings.parse(new String[0], Map.of());

        assertThat(s.usesEmulator()).isTrue();
        assertThat(s.project()).isEqualTo("quickstart");
        assertThat(s.rows()).isEqualTo(60_000);
        assertThat(s.rowsPerSecond()).isEqualTo(1_000);
        assertThat(s.customers()).isEqualTo(1_000);
        assertThat(s.checkpointInterval()).isEqualTo(Duration.ofSeconds(4));
        assertThat(s.upsertCommitInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void environmentVariablesSelectARealProjectAndOptionsOverrideThem() {
        QuickstartSettings s =
                QuickstartSettings.parse(
                        new String[] {
                            "--project=other",
                            "--rows",
                            "1000",
                            "--tunnel-endpoint",
                            "https://dt.cn-hangzhou.maxcompute.aliyun.com"
                        },
                        REAL_PROJECT);

        assertThat(s.usesEmulator()).isFalse();
        assertThat(s.endpoint()).isEqualTo("https://service.cn-hangzhou.maxcompute.aliyun.com/api");
        assertThat(s.tunnelEndpoint()).isEqualTo("https://dt.cn-hangzhou.maxcompute.aliyun.com");
        assertThat(s.project()).isEqualTo("other");
        assertThat(s.accessId()).isEqualTo("LTAI-id");
        assertThat(s.accessKey()).isEqualTo("s3cr3t");
        assertThat(s.rows()).isEqualTo(1_000);
    }

    @Test
    void toStringNeverShowsTheAccessKey() {
        QuickstartSettings s = QuickstartSettings.parse(new String[0], REAL_PROJECT);

        assertThat(s.toString()).contains("analytics").doesNotContain("s3cr3t");
    }

    @Test
    void anEndpointWithoutCredentialsNamesWhatIsMissing() {
        assertThatThrownBy(
                        () ->
                                QuickstartSettings.parse(
                                        new String[] {
                                            "--endpoint", "https://mc/api", "--project", "p"
                                        },
                                        Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "running against https://mc/api needs --access-id (or"
                                + " MAXCOMPUTE_ACCESS_ID), --access-key-secret (or MAXCOMPUTE_ACCESS_KEY)");
    }

    @Test
    void credentialsWithoutEndpointAreRefusedInsteadOfIgnored() {
        assertThatThrownBy(
                        () ->
                                QuickstartSettings.parse(
                                        new String[0], Map.of("MAXCOMPUTE_ACCESS_KEY", "k")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "--access-key-secret (or MAXCOMPUTE_ACCESS_KEY) given without --endpoint (or"
                                + " MAXCOMPUTE_ENDPOINT)");
    }

    @Test
    void unknownOptionsAndBadNumbersAreRefused() {
        assertThatThrownBy(() -> QuickstartSettings.parse(new String[] {"--row", "5"}, Map.of()))
                .hasMessage("unknown option --row");
        assertThatThrownBy(() -> QuickstartSettings.parse(new String[] {"--rows", "0"}, Map.of()))
                .hasMessage("--rows must be a positive number, got 0");
        assertThatThrownBy(() -> QuickstartSettings.parse(new String[] {"--rows"}, Map.of()))
                .hasMessage("--rows needs a value");
    }
}
