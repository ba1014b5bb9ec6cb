package io.github.mctunnel.emulator.fault;

import io.github.mctunnel.emulator.server.EmulatorRequest;
import io.github.mctunnel.emulator.server.EmulatorResponse;
import io.github.mctunnel.emulator.server.RequestInterceptor;
import io.github.mctunnel.emulator.server.ServiceException;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic fault injection, applied before a request is dispatched. Rules are checked in the
 * order they were added; the first matching rule with faults left applies. Counted rules ({@code
 * failNext} ...) hit exactly the next N matching requests; probabilistic rules draw from a {@link
 * Random} seeded by {@link #seeded}, so a run is reproducible for the same request order. Rules can
 * be added while the emulator runs. Thread-safe.
 */
public final class FaultPlan implements RequestInterceptor {

    private final Random random;
    private final List<Rule> rules = new ArrayList<>();
    private long injected;

    private FaultPlan(long seed) {
        this.random = new Random(seed);
    }

    /** An empty plan. */
    public static FaultPlan none() {
        return new FaultPlan(0);
    }

    /** An empty plan whose probabilistic rules draw from a generator with this seed. */
    public static FaultPlan seeded(long seed) {
        return new FaultPlan(seed);
    }

    /** Fails the next {@code count} matching requests with this status and error code. */
    public FaultPlan failNext(int count, RequestMatcher matcher, int status, String code) {
        return add(
                count,
                1.0,
                matcher,
                new FaultAction.Fail(status, code, "Injected fault: " + code, null));
    }

    /** Like {@link #failNext} with a {@code Retry-After} header (seconds). */
    public FaultPlan failNext(
            int count, RequestMatcher matcher, int status, String code, int retryAfterSeconds) {
        return add(
                count,
                1.0,
                matcher,
                new FaultAction.Fail(status, code, "Injected fault: " + code, retryAfterSeconds));
    }

    /** Fails each matching request with the given probability (seeded), without end. */
    public FaultPlan failRandomly(
            RequestMatcher matcher, double probability, int status, String code) {
        return add(
                Integer.MAX_VALUE,
                probability,
                matcher,
                new FaultAction.Fail(status, code, "Injected fault: " + code, null));
    }

    /**
     * Resets the connection of the next {@code count} matching requests after reading this much
     * body.
     */
    public FaultPlan resetNext(int count, RequestMatcher matcher, long afterBodyBytes) {
        return add(count, 1.0, matcher, new FaultAction.ResetDuringRequestBody(afterBodyBytes));
    }

    /** Cuts the response of the next {@code count} matching requests after this many body bytes. */
    public FaultPlan dropResponseNext(int count, RequestMatcher matcher, long afterBytes) {
        return add(count, 1.0, matcher, new FaultAction.DropResponseAfter(afterBytes));
    }

    /** Delays the next {@code count} matching requests. */
    public FaultPlan delayNext(int count, RequestMatcher matcher, Duration delay) {
        return add(count, 1.0, matcher, new FaultAction.Delay(delay));
    }

    private synchronized FaultPlan add(
            int count, double probability, RequestMatcher matcher, FaultAction action) {
        if (count < 1) {
            throw new IllegalArgumentException("a fault needs a count of at least 1");
        }
        if (probability <= 0 || probability > 1) {
            throw new IllegalArgumentException("fault probability must be in (0, 1]");
        }
        rules.add(new Rule(matcher, action, count, probability));
        return this;
    }

    /** Removes every rule. */
    public synchronized void clear() {
        rules.clear();
    }

    /** How many faults were injected so far. */
    public synchronized long injectedCount() {
        return injected;
    }

    /** Faults still pending across counted rules. */
    public synchronized long pendingCount() {
        long n = 0;
        for (Rule r : rules) {
            if (r.remaining != Integer.MAX_VALUE) {
                n += r.remaining;
            }
        }
        return n;
    }

    private synchronized FaultAction next(EmulatorRequest req) {
        for (Rule r : rules) {
            if (r.remaining > 0 && r.matcher.matches(req)) {
                if (r.probability < 1.0 && random.nextDouble() >= r.probability) {
                    continue;
                }
                if (r.remaining != Integer.MAX_VALUE) {
                    r.remaining--;
                }
                injected++;
                return r.action;
            }
        }
        return null;
    }

    @Override
    public void before(EmulatorRequest req, EmulatorResponse resp) throws Exception {
        FaultAction action = next(req);
        if (action == null) {
            return;
        }
        if (action instanceof FaultAction.Fail f) {
            ServiceException e = new ServiceException(f.status(), f.code(), f.message());
            if (f.retryAfterSeconds() != null) {
                e.withHeader("Retry-After", Integer.toString(f.retryAfterSeconds()));
            }
            throw e;
        } else if (action instanceof FaultAction.ResetDuringRequestBody r) {
            InputStream body = req.body();
            long left = r.afterBytes();
            byte[] buf = new byte[8192];
            while (left > 0) {
                int n = body.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    break;
                }
                left -= n;
            }
            throw new IOException("Injected fault: connection reset during the request body");
        } else if (action instanceof FaultAction.DropResponseAfter d) {
            resp.dropAfterBytes(d.bytes());
        } else if (action instanceof FaultAction.Delay d) {
            Thread.sleep(d.delay().toMillis());
        }
    }

    private static final class Rule {
        final RequestMatcher matcher;
        final FaultAction action;
        final double probability;
        int remaining;

        Rule(RequestMatcher matcher, FaultAction action, int remaining, double probability) {
            this.matcher = matcher;
            this.action = action;
            this.remaining = remaining;
            this.probability = probability;
        }
    }
}
