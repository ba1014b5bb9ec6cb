package io.github.mctunnel.emulator.server;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;

/** Generates request ids shaped like the service's ({@code yyyyMMddHHmmss} + hex counter). */
final class RequestIds {

    private static final DateTimeFormatter PREFIX = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private RequestIds() {}

    static String next() {
        return LocalDateTime.now(ZoneOffset.UTC).format(PREFIX)
                + String.format("%016x", COUNTER.incrementAndGet());
    }

    static long currentSequence() {
        return SEQUENCE.get();
    }

    static long nextSequence() {
        return SEQUENCE.incrementAndGet();
    }
}
