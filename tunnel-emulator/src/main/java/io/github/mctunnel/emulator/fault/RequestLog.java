package io.github.mctunnel.emulator.fault;

import io.github.mctunnel.emulator.server.EmulatorRequest;
import io.github.mctunnel.emulator.server.EmulatorResponse;
import io.github.mctunnel.emulator.server.RequestInterceptor;
import io.github.mctunnel.emulator.server.ServiceException;
import io.github.mctunnel.emulator.server.TunnelPath;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Records every request and enforces the service's retry policy: after a 429 or 503 a client must
 * wait 1 s, doubling per consecutive throttle up to 32 s, before its next request on the same table
 * (per client address and table). A request sent sooner counts as an attack request; with isolation
 * on, the client is refused from then on (403 AccessDenied), as the service isolates such clients.
 *
 * <p>Requests the client sent before it could know of the throttle are in flight, not retries:
 * those that arrived before the throttling answer was given, and those arriving within {@link
 * #IN_FLIGHT_GRACE_MILLIS} after it (the answer's way back to the client and the client's reaction;
 * a client with several threads on one address cannot stop a request another thread is sending at
 * that moment). A resend of the throttled request itself (same method, path and parameters) on the
 * same connection is never in flight: the client sent it after reading the answer. The same request
 * on another connection within the grace may be another thread's (two writers of one process
 * creating their sessions at the same moment), and counts as in flight. Time the emulator's JVM
 * stood still (garbage collection, a starved CPU; see {@link StallMeter}) does not count into that
 * grace: requests that arrived during the stall are read late, not sent late.
 */
public final class RequestLog implements RequestInterceptor {

    static final long FIRST_WAIT_MILLIS = 1000;
    static final long MAX_WAIT_MILLIS = 32_000;

    /** How long after a throttling answer other requests of the client may still be in flight. */
    public static final long IN_FLIGHT_GRACE_MILLIS = 200;

    private static final int MAX_ATTACK_REPORTS = 100;

    private final Clock clock;
    private final LongSupplier nanoTime;
    private final StallMeter stalls;
    private final int capacity;
    private final boolean isolateAttackers;
    private final Deque<LoggedRequest> entries = new ArrayDeque<>();
    private final Map<String, Throttle> throttles = new HashMap<>();
    private final Set<String> isolated = ConcurrentHashMap.newKeySet();
    private final Map<Long, Boolean> attackBySequence = new ConcurrentHashMap<>();
    private final List<String> attackReports = new ArrayList<>();
    private long attacks;

    /**
     * @param clock wall clock for log timestamps (waits are measured with {@link System#nanoTime})
     * @param capacity how many entries are kept (oldest dropped first)
     * @param isolateAttackers refuse clients after their first attack request
     */
    public RequestLog(Clock clock, int capacity, boolean isolateAttackers) {
        this(clock, System::nanoTime, StallMeter.jvm(), capacity, isolateAttackers);
    }

    RequestLog(
            Clock clock,
            LongSupplier nanoTime,
            StallMeter stalls,
            int capacity,
            boolean isolateAttackers) {
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.stalls = stalls;
        this.capacity = capacity;
        this.isolateAttackers = isolateAttackers;
    }

    @Override
    public void before(EmulatorRequest req, EmulatorResponse resp) {
        if (isolated.contains(req.clientAddress())) {
            throw new ServiceException(
                    403,
                    "AccessDenied",
                    "Client "
                            + req.clientAddress()
                            + " is isolated: it retried sooner than the retry policy allows"
                            + " (wait 1 s after a 429/503, doubling up to 32 s).");
        }
        String key = key(req);
        if (key == null) {
            return;
        }
        long now = nanoTime.getAsLong();
        long stalled = stalls.stalledNanos();
        synchronized (this) {
            Throttle t = throttles.get(key);
            if (t != null && req.sequence() > t.lastSequenceAtThrottle) {
                long waitedMillis = (now - t.atNanos) / 1_000_000;
                long runningMillis = waitedMillis - (stalled - t.stalledAtThrottle) / 1_000_000;
                boolean mayBeInFlight =
                        runningMillis < IN_FLIGHT_GRACE_MILLIS && !t.isResendOnSameConnection(req);
                if (waitedMillis < t.requiredWaitMillis() && !mayBeInFlight) {
                    attacks++;
                    attackBySequence.put(req.sequence(), Boolean.TRUE);
                    if (attackReports.size() < MAX_ATTACK_REPORTS) {
                        attackReports.add(
                                t.describeAttack(req, waitedMillis, waitedMillis - runningMillis));
                    }
                    if (isolateAttackers) {
                        isolated.add(req.clientAddress());
                    }
                }
            }
        }
    }

    @Override
    public void completed(EmulatorRequest req, int status, String errorCode) {
        boolean attack = attackBySequence.remove(req.sequence()) != null;
        String key = key(req);
        synchronized (this) {
            if (key != null) {
                if (status == 429 || status == 503) {
                    Throttle t = throttles.computeIfAbsent(key, k -> new Throttle());
                    t.consecutive++;
                    t.atNanos = nanoTime.getAsLong();
                    t.stalledAtThrottle = stalls.stalledNanos();
                    t.lastSequenceAtThrottle = EmulatorRequest.latestSequence();
                    t.method = req.method();
                    t.path = req.path();
                    t.params = req.params();
                    t.connection = req.connection();
                    t.sequence = req.sequence();
                    t.status = status;
                    t.errorCode = errorCode;
                } else if (status >= 200 && status < 300) {
                    throttles.remove(key);
                }
            }
            entries.addLast(
                    new LoggedRequest(
                            req.sequence(),
                            clock.millis(),
                            req.requestId(),
                            req.clientAddress(),
                            req.method(),
                            (req.isMeta() ? EmulatorRequest.META_PREFIX : "") + req.path(),
                            req.params(),
                            status,
                            errorCode,
                            attack));
            while (entries.size() > capacity) {
                entries.removeFirst();
            }
        }
    }

    /** Requests that retried sooner than the retry policy allows; connector tests assert zero. */
    public synchronized long attackCount() {
        return attacks;
    }

    /**
     * One line per attack request (the first 100): the request, how long after which throttling
     * answer it came, and the wait the policy required. For test failure messages.
     */
    public synchronized List<String> attackReports() {
        return new ArrayList<>(attackReports);
    }

    /** Whether a client address is isolated. */
    public boolean isIsolated(String clientAddress) {
        return isolated.contains(clientAddress);
    }

    /** The logged requests, oldest first. */
    public synchronized List<LoggedRequest> entries() {
        return new ArrayList<>(entries);
    }

    /** Logged requests matching a predicate, oldest first. */
    public synchronized List<LoggedRequest> entries(Predicate<LoggedRequest> filter) {
        List<LoggedRequest> out = new ArrayList<>();
        for (LoggedRequest r : entries) {
            if (filter.test(r)) {
                out.add(r);
            }
        }
        return out;
    }

    public synchronized void clear() {
        entries.clear();
    }

    /** client + table for tunnel table paths; null for other requests. */
    private static String key(EmulatorRequest req) {
        if (req.isMeta()) {
            return null;
        }
        TunnelPath p = TunnelPath.parse(req.path());
        if (p == null) {
            return null;
        }
        return req.clientAddress() + "|" + p.project() + "." + p.schema() + "." + p.table();
    }

    private static final class Throttle {
        int consecutive;
        long atNanos;
        long stalledAtThrottle;
        long lastSequenceAtThrottle;
        String method;
        String path;
        Map<String, String> params;
        String connection;
        long sequence;
        int status;
        String errorCode;

        String describeAttack(EmulatorRequest req, long waitedMillis, long stalledMillis) {
            return "request #"
                    + req.sequence()
                    + " "
                    + req.method()
                    + " "
                    + req.path()
                    + " "
                    + req.params()
                    + " from "
                    + req.clientAddress()
                    + " came "
                    + waitedMillis
                    + " ms (the JVM stood still "
                    + stalledMillis
                    + " ms of them) after the "
                    + status
                    + " "
                    + errorCode
                    + " answer to #"
                    + sequence
                    + " "
                    + method
                    + " "
                    + path
                    + " "
                    + params
                    + " (throttle "
                    + consecutive
                    + " in a row: wait "
                    + requiredWaitMillis()
                    + " ms"
                    + (isResendOf(req) ? ", a resend of the throttled request" : "")
                    + ")";
        }

        /** Whether {@code req} repeats the request that was throttled last. */
        boolean isResendOf(EmulatorRequest req) {
            return req.method().equals(method)
                    && req.path().equals(path)
                    && req.params().equals(params);
        }

        /** Whether {@code req} repeats the throttled request on the connection it came on. */
        boolean isResendOnSameConnection(EmulatorRequest req) {
            return isResendOf(req) && req.connection().equals(connection);
        }

        long requiredWaitMillis() {
            long wait = FIRST_WAIT_MILLIS << Math.min(consecutive - 1, 5);
            return Math.min(wait, MAX_WAIT_MILLIS);
        }
    }
}
