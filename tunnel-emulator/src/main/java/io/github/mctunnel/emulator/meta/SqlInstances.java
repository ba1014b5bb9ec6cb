package io.github.mctunnel.emulator.meta;

import io.github.mctunnel.emulator.server.ServiceException;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SQL instances: each runs synchronously when created, so every instance the SDK polls is already
 * terminated, with its task either succeeded or failed with a result text.
 */
final class SqlInstances {

    private static final DateTimeFormatter ID_PREFIX =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS");

    /** One finished SQL instance. */
    record SqlInstance(
            String id,
            String project,
            String taskName,
            boolean success,
            String result,
            long startMillis,
            long endMillis) {}

    private final Map<String, SqlInstance> instances = new ConcurrentHashMap<>();
    private final AtomicLong counter = new AtomicLong();
    private final Clock clock;

    SqlInstances(Clock clock) {
        this.clock = clock;
    }

    String newId() {
        return LocalDateTime.now(clock.withZone(ZoneOffset.UTC)).format(ID_PREFIX)
                + "gemu"
                + String.format("%06d", counter.incrementAndGet() % 1_000_000);
    }

    void put(SqlInstance instance) {
        instances.put(instance.id(), instance);
    }

    SqlInstance get(String project, String id) {
        SqlInstance i = instances.get(id);
        if (i == null || !i.project().equalsIgnoreCase(project)) {
            throw new ServiceException(
                    404,
                    "NoSuchObject",
                    "Instance " + id + " does not exist in project " + project + ".");
        }
        return i;
    }
}
