package io.github.mctunnel.emulator.limits;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmulatorLimitsTest {

    @Test
    void defaultsAreTheServiceLimits() {
        EmulatorLimits l = EmulatorLimits.defaults();
        assertThat(l.maxBlocksPerSession()).isEqualTo(20_000);
        assertThat(l.maxBlockId()).isEqualTo(20_000);
        assertThat(l.uploadSessionsPerWindow()).isEqualTo(500);
        assertThat(l.uploadSessionWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(l.blocksPerWindow()).isEqualTo(500);
        assertThat(l.blockWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(l.maxConcurrentUploadSessions()).isEqualTo(32);
        assertThat(l.commitsPerWindow()).isEqualTo(75);
        assertThat(l.commitWindow()).isEqualTo(Duration.ofSeconds(15));
        assertThat(l.upsertCommitInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(l.downloadSessionsPerWindow()).isEqualTo(200);
        assertThat(l.downloadSessionWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(l.maxStreamPartitionsPerTable()).isEqualTo(64);
        assertThat(l.maxSlotsPerPartition()).isEqualTo(32);
        assertThat(l.sessionLifetime()).isEqualTo(Duration.ofHours(24));
        assertThat(l.maxFieldSize()).isEqualTo(8 * 1024 * 1024);
        assertThat(l.idleConnectionTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(l.readerLifetime()).isEqualTo(Duration.ofSeconds(300));
        assertThat(l.bandwidthCapped()).isFalse();
    }

    @Test
    void builderChangesOnlyWhatItIsTold() {
        EmulatorLimits l =
                EmulatorLimits.builder()
                        .commitRate(2, Duration.ofSeconds(1))
                        .bandwidthBytesPerSecond(EmulatorLimits.SERVICE_BANDWIDTH_BYTES_PER_SECOND)
                        .build();
        assertThat(l.commitsPerWindow()).isEqualTo(2);
        assertThat(l.commitWindow()).isEqualTo(Duration.ofSeconds(1));
        assertThat(l.bandwidthBytesPerSecond()).isEqualTo(10L * 1024 * 1024);
        assertThat(l.toBuilder().build()).isEqualTo(l);
        assertThat(l.maxBlockId()).isEqualTo(20_000);
    }

    @Test
    void rejectsInvalidValuesNamingThem() {
        assertThatThrownBy(() -> EmulatorLimits.builder().maxSlotsPerPartition(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxSlotsPerPartition must be positive: 0");
        assertThatThrownBy(() -> EmulatorLimits.builder().bandwidthBytesPerSecond(-1).build())
                .hasMessage("bandwidthBytesPerSecond must be >= 0 (0 = no cap): -1");
    }

    @Test
    void slidingWindowRefusesOverBudgetAndFreesAsTimePasses() {
        MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
        SlidingWindowCounter c = new SlidingWindowCounter(2, Duration.ofSeconds(10), clock);
        assertThat(c.tryAcquire()).isTrue();
        clock.advance(Duration.ofSeconds(4));
        assertThat(c.tryAcquire()).isTrue();
        assertThat(c.tryAcquire()).isFalse();
        assertThat(c.count()).isEqualTo(2);
        assertThat(c.secondsUntilFree()).isEqualTo(6);
        clock.advance(Duration.ofMillis(5_999));
        assertThat(c.tryAcquire()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(c.tryAcquire()).isTrue();
        assertThat(c.count()).isEqualTo(2);
    }
}
