package io.github.mctunnel.emulator.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The emulator's clock: the time of a base clock (by default the system's UTC clock) plus an offset
 * that tests move forward with {@link #advance(Duration)}. Every service rule of the emulator reads
 * it: session lifetimes and expiry, per-table rate windows, the upsert commit interval per
 * partition, the stream slot idle timeout, the reader lifetime, and the timestamps of sessions,
 * catalog events and logged requests. Pure measurements (bandwidth throttling, the retry-policy
 * monitor's waits, connection idle timeouts, injected delays) stay on real time.
 *
 * <p>A clock can also run faster than its base ({@link #EmulatorClock(Clock, Duration, double)}):
 * at speed 30 a minute of the service's rules (the upsert commit interval, say) passes in two real
 * seconds, and a 24 h session lifetime in 48 real minutes, so long runs cross many session expiries
 * with the service's own limits.
 *
 * <p>Time only moves forward: advancing 25 hours makes every session created before it expire at
 * once (their 24 h lifetime has passed) and empties every rate window, without a test waiting.
 * Thread-safe: the offset is read and moved atomically, and {@link #withZone(ZoneId)} returns a
 * view sharing it.
 */
public final class EmulatorClock extends Clock {

    private final Clock base;
    private final AtomicReference<Duration> offset;

    /** How many times faster than the base it runs (1: as fast). */
    private final double speed;

    /** The base clock's time when the clock started (speed counts from there). */
    private final long startMillis;

    /** The system's UTC clock, not advanced. */
    public EmulatorClock() {
        this(Clock.systemUTC());
    }

    /** {@code base}, not advanced. */
    public EmulatorClock(Clock base) {
        this(base, Duration.ZERO);
    }

    /**
     * {@code base} already advanced by {@code initialOffset}.
     *
     * @throws IllegalArgumentException when {@code initialOffset} is negative
     */
    public EmulatorClock(Clock base, Duration initialOffset) {
        this(base, initialOffset, 1);
    }

    /**
     * {@code base} already advanced by {@code initialOffset}, running {@code speed} times as fast
     * as {@code base} from now on.
     *
     * @throws IllegalArgumentException when {@code initialOffset} is negative or {@code speed} is
     *     below 1 (time does not slow down or go back)
     */
    public EmulatorClock(Clock base, Duration initialOffset, double speed) {
        this(
                Objects.requireNonNull(base, "base"),
                new AtomicReference<>(Duration.ZERO),
                checkSpeed(speed),
                base.millis());
        advance(initialOffset);
    }

    private static double checkSpeed(double speed) {
        if (!(speed >= 1) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException(
                    "the emulator clock runs at speed 1 or faster, got " + speed);
        }
        return speed;
    }

    private EmulatorClock(
            Clock base, AtomicReference<Duration> sharedOffset, double speed, long startMillis) {
        this.base = base;
        this.offset = sharedOffset;
        this.speed = speed;
        this.startMillis = startMillis;
    }

    /** How many times faster than its base clock this clock runs. */
    public double speed() {
        return speed;
    }

    /** Milliseconds the speed has added since the clock started. */
    private long spedUpMillis(long baseMillis) {
        return speed == 1 ? 0 : (long) ((baseMillis - startMillis) * (speed - 1));
    }

    /**
     * Moves the clock forward by {@code duration} (zero does nothing).
     *
     * @return the offset from the base clock after the move
     * @throws IllegalArgumentException when {@code duration} is negative: time does not go back
     */
    public Duration advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException(
                    "the emulator clock only moves forward; cannot advance by " + duration);
        }
        return offset.updateAndGet(o -> o.plus(duration));
    }

    /** How far the clock is ahead of its base clock: the sum of every advance. */
    public Duration offset() {
        return offset.get();
    }

    /** The clock this one adds its offset to. */
    public Clock base() {
        return base;
    }

    @Override
    public ZoneId getZone() {
        return base.getZone();
    }

    /** A view in another zone that shares this clock's offset (advancing either moves both). */
    @Override
    public EmulatorClock withZone(ZoneId zone) {
        if (zone.equals(base.getZone())) {
            return this;
        }
        return new EmulatorClock(base.withZone(zone), offset, speed, startMillis);
    }

    @Override
    public Instant instant() {
        Instant now = base.instant();
        return now.plus(offset.get()).plusMillis(spedUpMillis(now.toEpochMilli()));
    }

    @Override
    public long millis() {
        long now = base.millis();
        return now + offset.get().toMillis() + spedUpMillis(now);
    }

    @Override
    public String toString() {
        return "EmulatorClock["
                + base
                + " + "
                + offset.get()
                + (speed == 1 ? "" : ", x" + speed)
                + "]";
    }
}
