package io.github.mctunnel.emulator.fault;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Measures how long this JVM stood still: a daemon thread ticks every {@link #TICK_NANOS} and adds
 * up how much later than due each tick came (garbage collection pauses, safepoints, a starved CPU).
 * While the JVM stands still, requests that clients sent queue up unread; when it resumes they are
 * read late, and must not look as if their clients had waited that long.
 */
public final class StallMeter {

    static final long TICK_NANOS = 10_000_000L;

    /** Lateness of a tick below this is scheduling noise, not a stall. */
    static final long TOLERANCE_NANOS = 5_000_000L;

    private static final StallMeter JVM = startDaemon();

    private final LongSupplier nanoTime;
    private volatile long lastTickNanos;
    private volatile long stalledNanos;

    StallMeter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.lastTickNanos = nanoTime.getAsLong();
    }

    /** The meter of this JVM (one daemon thread, started on first use). */
    public static StallMeter jvm() {
        return JVM;
    }

    private static StallMeter startDaemon() {
        StallMeter meter = new StallMeter(System::nanoTime);
        Thread ticker =
                new Thread(
                        () -> {
                            while (true) {
                                LockSupport.parkNanos(TICK_NANOS);
                                meter.tick();
                            }
                        },
                        "emulator-stall-meter");
        ticker.setDaemon(true);
        ticker.start();
        return meter;
    }

    /** One tick of the meter's thread: accounts how late it came. */
    synchronized void tick() {
        long now = nanoTime.getAsLong();
        long late = now - lastTickNanos - TICK_NANOS;
        if (late > TOLERANCE_NANOS) {
            stalledNanos += late;
        }
        lastTickNanos = now;
    }

    /**
     * Nanoseconds this JVM stood still so far, including a stall that is still going on or has just
     * ended without a tick yet (the thread asking may run before the ticker does).
     */
    public long stalledNanos() {
        long stalled = stalledNanos;
        long late = nanoTime.getAsLong() - lastTickNanos - TICK_NANOS;
        return late > TOLERANCE_NANOS ? stalled + late : stalled;
    }
}
