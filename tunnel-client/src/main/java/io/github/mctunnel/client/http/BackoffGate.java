package io.github.mctunnel.client.http;

import java.time.Clock;
import java.util.function.IntToLongFunction;

/**
 * A back-off shared by every thread of a process that talks to the same endpoint and table (see
 * {@link BackoffGates}). After a 429 or 503 the gate closes until a deadline, and every request
 * through it waits; the throttle level (which doubles the delay) is reset by the next success of a
 * request sent after the last throttle. When the deadline has passed while the level is not reset
 * yet, one thread at a time goes through as the probe and the others keep waiting until it succeeds
 * (the gate opens for all), is throttled again (a new deadline) or fails otherwise (the next
 * waiting thread probes): so the service never sees a burst of requests right after it throttled
 * this client.
 */
public final class BackoffGate {

    /** How often a thread waiting for the probe's answer looks again. */
    static final long PROBE_POLL_MILLIS = 50;

    /**
     * The longest the gate stays closed after one throttle, whatever the service asks: a {@code
     * Retry-After} beyond it keeps the table's requests failing (no caller's retry budget is that
     * long) without an overflow or an endless hold.
     */
    public static final long MAX_HOLD_MILLIS = 3_600_000;

    /** A thread's passage through the gate. */
    public record Turn(long waitedMillis, boolean granted, long epoch) {}

    private long openAtMillis;
    private int level;
    private long epoch;
    private Thread probe;

    /**
     * Records a throttling answer in one step: the level rises, the gate closes for {@code
     * holdForLevel.applyAsLong(previous level)} (at most {@link #MAX_HOLD_MILLIS}) from {@code
     * nowMillis}, and the hold is returned. Two throttles answered at once so count as two in a
     * row, as the service counts them.
     */
    public synchronized long throttle(long nowMillis, IntToLongFunction holdForLevel) {
        long hold = Math.max(0, Math.min(holdForLevel.applyAsLong(level), MAX_HOLD_MILLIS));
        openAtMillis = Math.max(openAtMillis, nowMillis + hold);
        level++;
        epoch++;
        probe = null;
        return hold;
    }

    /**
     * Records a throttling answer closing the gate until {@code untilMillis}; returns the level.
     */
    public synchronized int throttle(long untilMillis) {
        openAtMillis = Math.max(openAtMillis, untilMillis);
        probe = null;
        epoch++;
        return ++level;
    }

    /** The number of throttling answers since the last success. */
    public synchronized int level() {
        return level;
    }

    /** A success of a request of any age: resets the level (tests and callers without turns). */
    public synchronized void onSuccess() {
        level = 0;
        probe = null;
    }

    /**
     * A success of a request that passed the gate in {@code turn}: resets the level only when no
     * throttle was answered since that request was let through (an older request's success, read
     * after a newer throttle, says nothing about the service's count), and ends the caller's probe.
     */
    public synchronized void onSuccess(Turn turn) {
        if (turn.epoch() == epoch) {
            level = 0;
        }
        if (probe == Thread.currentThread()) {
            probe = null;
        }
    }

    /** Ends the calling thread's probe (its request failed without being throttled). */
    public synchronized void releaseProbe() {
        if (probe == Thread.currentThread()) {
            probe = null;
        }
    }

    /** Milliseconds until the gate opens, 0 when open. */
    public synchronized long remainingMillis(Clock clock) {
        return Math.max(0, openAtMillis - clock.millis());
    }

    /**
     * Waits until the calling thread may send: the gate is open, or its deadline passed and no
     * other thread is probing. Returns the milliseconds waited.
     */
    public long await(Clock clock, Sleeper sleeper) throws InterruptedException {
        return awaitTurn(clock, sleeper, Long.MAX_VALUE).waitedMillis();
    }

    /**
     * Like {@link #await(Clock, Sleeper)}, but never longer than {@code maxWaitMillis}: when the
     * gate stays closed longer than that (known at once from its deadline, or found while waiting
     * for another thread's probe), the turn is not granted and the caller must not send.
     */
    public Turn awaitTurn(Clock clock, Sleeper sleeper, long maxWaitMillis)
            throws InterruptedException {
        long waited = 0;
        while (true) {
            long wait;
            synchronized (this) {
                wait = openAtMillis - clock.millis();
                if (wait <= 0) {
                    Thread current = Thread.currentThread();
                    if (level == 0 || probe == null || probe == current) {
                        if (level > 0) {
                            probe = current;
                        }
                        return new Turn(waited, true, epoch);
                    }
                    wait = PROBE_POLL_MILLIS;
                }
                long left = maxWaitMillis - waited;
                if (wait > left) {
                    return new Turn(waited, false, epoch);
                }
            }
            sleeper.sleep(wait);
            waited += wait;
        }
    }
}
