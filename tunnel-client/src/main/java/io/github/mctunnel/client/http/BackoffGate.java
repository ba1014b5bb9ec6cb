package io.github.mctunnel.client.http;

import java.time.Clock;

/**
 * A back-off shared by every thread of one client that talks to the same endpoint and table. After
 * a 429 or 503 the gate closes until a deadline, and every request through it waits; the throttle
 * level (which doubles the delay) is reset by the next success. When the deadline has passed while
 * the level is not reset yet, one thread at a time goes through as the probe and the others keep
 * waiting until it succeeds (the gate opens for all), is throttled again (a new deadline) or fails
 * otherwise (the next waiting thread probes): so the service never sees a burst of requests right
 * after it throttled this client.
 */
public final class BackoffGate {

    /** How often a thread waiting for the probe's answer looks again. */
    static final long PROBE_POLL_MILLIS = 50;

    private long openAtMillis;
    private int level;
    private Thread probe;

    /** Records a throttling answer; returns the new level (1 for the first). */
    public synchronized int throttle(long untilMillis) {
        openAtMillis = Math.max(openAtMillis, untilMillis);
        probe = null;
        return ++level;
    }

    /** The number of throttling answers since the last success. */
    public synchronized int level() {
        return level;
    }

    public synchronized void onSuccess() {
        level = 0;
        probe = null;
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
        return await(clock, sleeper, Long.MAX_VALUE);
    }

    /**
     * Like {@link #await(Clock, Sleeper)}, but waits at most {@code maxWaitMillis} in all: then the
     * calling thread may send whatever the gate says.
     */
    public long await(Clock clock, Sleeper sleeper, long maxWaitMillis)
            throws InterruptedException {
        long waited = 0;
        while (true) {
            long wait;
            synchronized (this) {
                wait = openAtMillis - clock.millis();
                if (waited >= maxWaitMillis) {
                    return waited;
                }
                if (wait <= 0) {
                    Thread current = Thread.currentThread();
                    if (level == 0 || probe == null || probe == current) {
                        if (level > 0) {
                            probe = current;
                        }
                        return waited;
                    }
                    wait = PROBE_POLL_MILLIS;
                }
                wait = Math.min(wait, maxWaitMillis - waited);
            }
            sleeper.sleep(wait);
            waited += wait;
        }
    }
}
