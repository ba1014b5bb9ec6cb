package io.github.mctunnel.client.http;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A clock that only moves when someone sleeps; records every sleep. */
public final class FakeTime extends Clock implements Sleeper {

    private volatile long millis;
    private final List<Long> sleeps = new CopyOnWriteArrayList<>();

    public FakeTime(Instant start) {
        this.millis = start.toEpochMilli();
    }

    @Override
    public synchronized void sleep(long ms) {
        sleeps.add(ms);
        millis += ms;
    }

    public List<Long> sleeps() {
        return sleeps;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }
}
