package io.github.mctunnel.emulator;

import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link EmulatorMain}'s flags, parsed in this JVM (the process tests run the packaged jar). */
class EmulatorMainTest {

    private static final List<String> LIMIT_FLAGS =
            List.of(
                    "--session-lifetime D",
                    "--max-blocks-per-session N",
                    "--max-block-id N",
                    "--upload-sessions-per-window N",
                    "--upload-session-window D",
                    "--blocks-per-window N",
                    "--block-window D",
                    "--max-concurrent-upload-sessions N",
                    "--commits-per-window N",
                    "--commit-window D",
                    "--upsert-commit-interval D",
                    "--download-sessions-per-window N",
                    "--download-session-window D",
                    "--max-stream-partitions N",
                    "--max-slots-per-partition N",
                    "--stream-slot-idle-timeout D",
                    "--max-field-size BYTES",
                    "--idle-connection-timeout D",
                    "--reader-lifetime D",
                    "--bandwidth BYTES_PER_SECOND",
                    "--clock-offset D");

    private static TunnelEmulator configure(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--port", "0"));
        all.addAll(List.of(args));
        return EmulatorMain.configure(
                all.toArray(String[]::new),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryLimitFlagWithItsDefault() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(
                        EmulatorMain.configure(
                                new String[] {"--help"},
                                new PrintStream(out, true, StandardCharsets.UTF_8)))
                .isNull();
        String help = out.toString(StandardCharsets.UTF_8);
        assertThat(help).contains(LIMIT_FLAGS);
        assertThat(help)
                .contains("--upsert-commit-interval D")
                .contains("(default 1m)")
                .contains("(default 5m)")
                .contains("(default 15s)")
                .contains("(default 8388608)")
                .contains("POST /emulator/clock?advance=PT1H");
        for (String line : help.split("\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void limitFlagsSetEveryLimit() throws Exception {
        try (TunnelEmulator emu =
                configure(
                        "--session-lifetime", "10m",
                        "--max-blocks-per-session", "100",
                        "--max-block-id", "200",
                        "--upload-sessions-per-window", "3",
                        "--upload-session-window", "1m",
                        "--blocks-per-window", "4",
                        "--block-window", "2m",
                        "--max-concurrent-upload-sessions", "5",
                        "--commits-per-window", "6",
                        "--commit-window", "30s",
                        "--upsert-commit-interval", "60s",
                        "--download-sessions-per-window", "7",
                        "--download-session-window", "3m",
                        "--max-stream-partitions", "8",
                        "--max-slots-per-partition", "9",
                        "--stream-slot-idle-timeout", "90s",
                        "--max-field-size", "1024",
                        "--idle-connection-timeout", "45s",
                        "--reader-lifetime", "20s",
                        "--bandwidth", "1048576")) {
            EmulatorLimits expected =
                    EmulatorLimits.builder()
                            .sessionLifetime(Duration.ofMinutes(10))
                            .maxBlocksPerSession(100)
                            .maxBlockId(200)
                            .uploadSessionRate(3, Duration.ofMinutes(1))
                            .blockRate(4, Duration.ofMinutes(2))
                            .maxConcurrentUploadSessions(5)
                            .commitRate(6, Duration.ofSeconds(30))
                            .upsertCommitInterval(Duration.ofMinutes(1))
                            .downloadSessionRate(7, Duration.ofMinutes(3))
                            .maxStreamPartitionsPerTable(8)
                            .maxSlotsPerPartition(9)
                            .streamSlotIdleTimeout(Duration.ofSeconds(90))
                            .maxFieldSize(1024)
                            .idleConnectionTimeout(Duration.ofSeconds(45))
                            .readerLifetime(Duration.ofSeconds(20))
                            .bandwidthBytesPerSecond(1 << 20)
                            .build();
            assertThat(emu.tunnelService().limits()).isEqualTo(expected);
            assertThat(emu.clock().offset()).isEqualTo(Duration.ZERO);
        }
    }

    @Test
    void withoutFlagsTheLimitsAreTheServicesAndOneRateFlagKeepsTheOtherHalf() throws Exception {
        try (TunnelEmulator emu = configure()) {
            assertThat(emu.tunnelService().limits()).isEqualTo(EmulatorLimits.defaults());
        }
        try (TunnelEmulator emu =
                configure("--commits-per-window", "2", "--upsert-commit-interval", "0")) {
            EmulatorLimits limits = emu.tunnelService().limits();
            assertThat(limits.commitsPerWindow()).isEqualTo(2);
            assertThat(limits.commitWindow()).isEqualTo(Duration.ofSeconds(15));
            assertThat(limits.upsertCommitInterval()).isEqualTo(Duration.ZERO);
        }
    }

    @Test
    void clockOffsetStartsTheClockAhead() throws Exception {
        try (TunnelEmulator emu = configure("--clock-offset", "25h")) {
            assertThat(emu.clock().offset()).isEqualTo(Duration.ofHours(25));
            assertThat(Duration.between(Instant.now(), emu.clock().instant()))
                    .isBetween(
                            Duration.ofHours(25).minusMinutes(1),
                            Duration.ofHours(25).plusMinutes(1));
        }
    }

    @Test
    void clockSpeedRunsTheClockFaster() throws Exception {
        try (TunnelEmulator emu = configure("--clock-speed", "30")) {
            assertThat(emu.clock().speed()).isEqualTo(30);
        }
        assertThatThrownBy(() -> configure("--clock-speed", "fast"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--clock-speed takes a number, got 'fast'");
    }

    /** The flag has the table option's masked name; the earlier name is an alias. */
    @Test
    void credentialsTakeTheMaskedFlagNameAndTheEarlierOne() throws Exception {
        try (TunnelEmulator emu = configure("--access-id", "a", "--access-key-secret", "b")) {
            assertThat(emu).isNotNull();
        }
        try (TunnelEmulator emu = configure("--access-id", "a", "--access-key", "b")) {
            assertThat(emu).isNotNull();
        }
        assertThatThrownBy(() -> configure("--access-id", "a"))
                .hasMessage("--access-id a has no --access-key-secret");
        assertThatThrownBy(() -> configure("--access-key-secret", "b"))
                .hasMessage("--access-key-secret must follow --access-id");
    }

    @Test
    void badValuesNameTheFlag() {
        assertThatThrownBy(() -> configure("--max-slots-per-partition", "0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--max-slots-per-partition: needs a positive whole number, got '0'");
        assertThatThrownBy(() -> configure("--max-field-size", "8MB"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--max-field-size: needs a positive whole number, got '8MB'");
        assertThatThrownBy(() -> configure("--bandwidth", "-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--bandwidth: needs a whole number >= 0, got '-1'");
        assertThatThrownBy(() -> configure("--commit-window", "15"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--commit-window: a duration must be a positive number");
        assertThatThrownBy(() -> configure("--clock-offset", "-5m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--clock-offset: a duration must be a positive number");
        assertThatThrownBy(() -> configure("--stream-slot-idle-timeout"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--stream-slot-idle-timeout needs a value");
    }
}
