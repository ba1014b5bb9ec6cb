package io.github.mctunnel.emulator.fault;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class StallMeterTest {

    private static final long MS = 1_000_000L;

    @Test
    void ticksOnTimeAddNothingLateTicksAddTheirLateness() {
        AtomicLong now = new AtomicLong();
        StallMeter meter = new StallMeter(now::get);
        for (int i = 0; i < 10; i++) {
            now.addAndGet(StallMeter.TICK_NANOS + 2 * MS); // scheduling noise
            meter.tick();
        }
        assertThat(meter.stalledNanos()).isZero();

        now.addAndGet(StallMeter.TICK_NANOS + 300 * MS); // a 300 ms pause
        meter.tick();
        assertThat(meter.stalledNanos()).isEqualTo(300 * MS);
    }

    @Test
    void aStallNotTickedYetIsCountedByTheReader() {
        AtomicLong now = new AtomicLong();
        StallMeter meter = new StallMeter(now::get);
        now.addAndGet(StallMeter.TICK_NANOS + 250 * MS);
        // the reader runs right after the pause, before the ticker thread
        assertThat(meter.stalledNanos()).isEqualTo(250 * MS);
        meter.tick();
        assertThat(meter.stalledNanos()).isEqualTo(250 * MS);
    }
}
