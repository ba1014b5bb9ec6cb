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
 * <p>Time only moves forward: advancing 25 hours makes every session created before it expire at
 * once (their 24 h lifetime has passed) and empties every rate window, without a test waiting.
 * Thread-safe: the offset is read and moved atomically, and {@link #withZone(ZoneId)} returns a
 * view sharing it.
 */
public final class EmulatorClock extends Clock {

    private final Clock base;
    private final AtomicReference<Duration> offset;

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
        this(Objects.requireNonNull(base, "base"), new AtomicReference<>(Duration.ZERO));
        advance(initialOffset);
    }

    private EmulatorClock(Clock base, AtomicReference<Duration> sharedOffset) {
        this.base = base;
        this.offset = sharedOffset;
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
        return new EmulatorClock(base.withZone(zone), offset);
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset.get());
    }

    @Override
    public long millis() {
        return base.millis() + offset.get().toMillis();
    }

    @Override
    public String toString() {
        return "EmulatorClock[" + base + " + " + offset.get() + "]";
    }
}
