package io.github.mctunnel.client.http;

import java.time.Clock;

/**
 * A back-off shared by every thread of one client that talks to the same endpoint and table. After
 * a 429 or 503 the gate closes until a deadline, and every request through it waits; the throttle
 * level (which doubles the delay) is reset by the next success.
 */
public final class BackoffGate {

    private long openAtMillis;
    private int level;

    /** Records a throttling answer; returns the new level (1 for the first). */
    public synchronized int throttle(long untilMillis) {
        openAtMillis = Math.max(openAtMillis, untilMillis);
        return ++level;
    }

    /** The number of throttling answers since the last success. */
    public synchronized int level() {
        return level;
    }

    public synchronized void onSuccess() {
        level = 0;
    }

    /** Milliseconds until the gate opens, 0 when open. */
    public synchronized long remainingMillis(Clock clock) {
        return Math.max(0, openAtMillis - clock.millis());
    }

    /** Waits until the gate is open; returns the milliseconds waited. */
    public long await(Clock clock, Sleeper sleeper) throws InterruptedException {
        long waited = 0;
        long wait;
        while ((wait = remainingMillis(clock)) > 0) {
            sleeper.sleep(wait);
            waited += wait;
        }
        return waited;
    }
}
