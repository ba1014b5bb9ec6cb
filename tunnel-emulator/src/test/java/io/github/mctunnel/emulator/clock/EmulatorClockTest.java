package io.github.mctunnel.emulator.clock;

import io.github.mctunnel.emulator.limits.SlidingWindowCounter;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmulatorClockTest {

    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    private final Clock fixed = Clock.fixed(T0, ZoneOffset.UTC);

    @Test
    void isTheBaseClockPlusTheSumOfTheAdvances() {
        EmulatorClock clock = new EmulatorClock(fixed);
        assertThat(clock.instant()).isEqualTo(T0);
        assertThat(clock.offset()).isEqualTo(Duration.ZERO);

        assertThat(clock.advance(Duration.ofHours(25))).isEqualTo(Duration.ofHours(25));
        assertThat(clock.advance(Duration.ofSeconds(61))).isEqualTo(Duration.parse("PT25H1M1S"));
        assertThat(clock.advance(Duration.ZERO)).isEqualTo(Duration.parse("PT25H1M1S"));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2024-01-02T01:01:01Z"));
        assertThat(clock.millis()).isEqualTo(clock.instant().toEpochMilli());
        assertThat(clock.base()).isSameAs(fixed);
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    /** A base clock the test moves. */
    private static final class MovableClock extends Clock {
        private Instant now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aSpedUpClockRunsThatManyTimesFasterThanItsBaseAndStillAdvances() {
        MovableClock base = new MovableClock();
        EmulatorClock clock = new EmulatorClock(base, Duration.ofHours(1), 30);
        assertThat(clock.instant()).isEqualTo(T0.plus(Duration.ofHours(1)));

        base.now = T0.plusSeconds(2);
        // two real seconds are a minute of the service's rules
        assertThat(clock.instant()).isEqualTo(T0.plus(Duration.ofHours(1)).plusSeconds(60));
        assertThat(clock.millis()).isEqualTo(clock.instant().toEpochMilli());
        clock.advance(Duration.ofHours(24));
        assertThat(clock.instant()).isEqualTo(T0.plus(Duration.ofHours(25)).plusSeconds(60));
        assertThat(clock.speed()).isEqualTo(30);
        assertThatThrownBy(() -> new EmulatorClock(base, Duration.ZERO, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the emulator clock runs at speed 1 or faster, got 0.5");
    }

    @Test
    void followsARealBaseClock() {
        EmulatorClock clock = new EmulatorClock(Clock.systemUTC(), Duration.ofDays(3));
        Instant expected = Instant.now().plus(Duration.ofDays(3));
        assertThat(Duration.between(expected, clock.instant()).abs())
                .isLessThan(Duration.ofSeconds(5));
        assertThat(new EmulatorClock().offset()).isEqualTo(Duration.ZERO);
    }

    @Test
    void refusesToGoBack() {
        EmulatorClock clock = new EmulatorClock(fixed);
        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only moves forward");
        assertThatThrownBy(() -> new EmulatorClock(fixed, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(clock.offset()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aViewInAnotherZoneSharesTheOffset() {
        EmulatorClock clock = new EmulatorClock(fixed);
        assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
        EmulatorClock tokyo = clock.withZone(ZoneId.of("Asia/Tokyo"));
        assertThat(tokyo.getZone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
        clock.advance(Duration.ofHours(1));
        assertThat(tokyo.instant()).isEqualTo(T0.plus(Duration.ofHours(1)));
        tokyo.advance(Duration.ofHours(1));
        assertThat(clock.offset()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void concurrentAdvancesAreAllCounted() throws Exception {
        EmulatorClock clock = new EmulatorClock(fixed);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread =
                    new Thread(
                            () -> {
                                try {
                                    go.await();
                                } catch (InterruptedException e) {
                                    return;
                                }
                                for (int i = 0; i < 1000; i++) {
                                    clock.advance(Duration.ofMillis(1));
                                }
                            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(clock.offset()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void aRateWindowOnTheClockEmptiesWhenTimeJumpsPastIt() {
        EmulatorClock clock = new EmulatorClock(fixed);
        SlidingWindowCounter counter = new SlidingWindowCounter(3, Duration.ofMinutes(5), clock);
        assertThat(counter.tryAcquire()).isTrue();
        clock.advance(Duration.ofMinutes(2));
        assertThat(counter.tryAcquire()).isTrue();
        assertThat(counter.tryAcquire()).isTrue();
        assertThat(counter.tryAcquire()).isFalse();
        assertThat(counter.secondsUntilFree()).isEqualTo(180);

        // 3 minutes later the first event has left the window, the other two have not.
        clock.advance(Duration.ofMinutes(3));
        assertThat(counter.count()).isEqualTo(2);
        assertThat(counter.tryAcquire()).isTrue();
        assertThat(counter.tryAcquire()).isFalse();

        // A jump far beyond the window drops every event at once.
        clock.advance(Duration.ofDays(2));
        assertThat(counter.count()).isZero();
        assertThat(counter.secondsUntilFree()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(counter.tryAcquire()).isTrue();
        }
        assertThat(counter.tryAcquire()).isFalse();
    }
}
