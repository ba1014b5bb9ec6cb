package io.github.mctunnel.client.http;

import io.github.mctunnel.client.error.ErrorContext;
import io.github.mctunnel.client.error.TunnelException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Sends requests with the retry policy: 429, 5xx and I/O failures are retried with back-off
 * (honouring {@code Retry-After}/{@code HoldClientMillis}), everything else fails at once. A
 * 429/503 closes the shared {@link BackoffGate} of the endpoint and table so that all threads of
 * the registry wait (the service counts throttles per client address, see {@link BackoffGates}).
 * Each retry is logged at WARN with the request id. Requests with a streamed body are sent once.
 */
public final class RetryingCaller {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingCaller.class);

    /**
     * The service's own policy (1 s doubling to 32 s): the least a throttle closes the gate for.
     */
    private static final RetryPolicy SERVICE_POLICY = RetryPolicy.defaults();

    /** Reads a successful response; runs inside the retry loop. */
    @FunctionalInterface
    public interface ResponseReader<T> {
        T read(TunnelResponse response) throws IOException;
    }

    /** One attempt of an arbitrary operation (used for multi-request steps such as resumes). */
    @FunctionalInterface
    public interface Attempt<T> {
        T run() throws TunnelException;
    }

    private final HttpTransport transport;
    private final RetryPolicy policy;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final BackoffGates gates;

    /**
     * A caller with back-off gates of its own (see {@link BackoffGates} for sharing them).
     *
     * @param random source of jitter in [0, 1)
     */
    public RetryingCaller(
            HttpTransport transport,
            RetryPolicy policy,
            Clock clock,
            Sleeper sleeper,
            DoubleSupplier random) {
        this(transport, policy, clock, sleeper, random, new BackoffGates());
    }

    /**
     * @param random source of jitter in [0, 1)
     * @param gates the back-off gates this caller waits at and closes
     */
    public RetryingCaller(
            HttpTransport transport,
            RetryPolicy policy,
            Clock clock,
            Sleeper sleeper,
            DoubleSupplier random,
            BackoffGates gates) {
        this.gates = Objects.requireNonNull(gates, "gates");
        this.transport = transport;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
    }

    public HttpTransport transport() {
        return transport;
    }

    public RetryPolicy policy() {
        return policy;
    }

    /** The clock used for back-off decisions. */
    public Clock clock() {
        return clock;
    }

    /** The sleeper used for back-off waits. */
    public Sleeper sleeper() {
        return sleeper;
    }

    /** The shared back-off gate of a key (endpoint + table). */
    public BackoffGate gate(String key) {
        return gates.gate(key);
    }

    /** Sends the request (with retries if its body is repeatable) and reads the response. */
    public <T> T call(TunnelRequest request, ResponseReader<T> reader) throws TunnelException {
        boolean retry = request.body() == null || request.body().isRepeatable();
        return run(
                request.backoffKey(),
                request.context(),
                retry,
                () -> {
                    try (TunnelResponse response = transport.open(request)) {
                        return reader.read(response);
                    } catch (TunnelException e) {
                        throw e;
                    } catch (IOException e) {
                        throw TunnelException.io(request.context(), e);
                    }
                });
    }

    /** Sends the request (with retries if its body is repeatable) and returns the open response. */
    public TunnelResponse open(TunnelRequest request) throws TunnelException {
        boolean retry = request.body() == null || request.body().isRepeatable();
        return run(request.backoffKey(), request.context(), retry, () -> transport.open(request));
    }

    /**
     * Runs {@code attempt} under the retry policy and the gate of {@code backoffKey}.
     *
     * @param retry false to run once (still waiting for the shared gate first)
     */
    public <T> T run(String backoffKey, ErrorContext context, boolean retry, Attempt<T> attempt)
            throws TunnelException {
        return run(backoffKey, context, retry, attempt, new RetryTally());
    }

    /**
     * Like {@link #run(String, ErrorContext, boolean, Attempt)}, counting the retries and the time
     * waited into {@code tally}.
     */
    public <T> T run(
            String backoffKey,
            ErrorContext context,
            boolean retry,
            Attempt<T> attempt,
            RetryTally tally)
            throws TunnelException {
        BackoffGate gate = gate(backoffKey);
        long start = clock.millis();
        long budget = policy.maxRetryDuration().toMillis();
        int failures = 0;
        TunnelException last = null;
        while (true) {
            BackoffGate.Turn turn;
            try {
                turn = gate.awaitTurn(clock, sleeper, leftOf(budget, start));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw TunnelException.io(
                        context, new InterruptedIOException("interrupted while backing off"));
            }
            tally.waited(turn.waitedMillis());
            if (!turn.granted()) {
                // The service throttled this process's requests to the table (this thread's or
                // another's) and its back-off ends beyond this call's budget: sending anyway would
                // be an attack request, so the call ends without sending.
                long gateWait = gate.remainingMillis(clock);
                long left = leftOf(budget, start);
                if (last != null) {
                    giveUp(last, failures, start, gateWait, left);
                }
                throw TunnelException.backingOff(
                        context,
                        "not sent: the service throttled this process's requests to "
                                + backoffKey
                                + " "
                                + gate.level()
                                + " time(s) in a row and its back-off ends in "
                                + Math.max(gateWait, BackoffGate.PROBE_POLL_MILLIS)
                                + " ms (or after another request's probe), later than the "
                                + left
                                + " ms left of the retry budget (retry.max-duration)");
            }
            try {
                T result = attempt.run();
                gate.onSuccess(turn);
                return result;
            } catch (TunnelException e) {
                long delay = nextDelay(e, gate, failures);
                gate.releaseProbe();
                if (!retry || !e.isRetryable()) {
                    throw e;
                }
                long left = leftOf(budget, start);
                if (delay > left) {
                    // Never retry sooner than the back-off or the service's Retry-After /
                    // HoldClientMillis demands (that is an attack request): when the wait does
                    // not fit in what is left of the budget, give up now.
                    giveUp(e, failures, start, delay, left);
                }
                failures++;
                last = e;
                LOG.warn(
                        "{} (HTTP {}, ErrorCode={}, RequestId={}): retry {} in {} ms: {}",
                        e.context(),
                        e.httpStatus(),
                        e.errorCode(),
                        e.requestId(),
                        failures,
                        delay,
                        e.serviceMessage());
                tally.retried();
                try {
                    sleeper.sleep(delay);
                    tally.waited(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw TunnelException.io(
                            context, new InterruptedIOException("interrupted while backing off"));
                }
                // The retry goes through the shared gate: another thread may have been
                // throttled meanwhile, and a gate closed beyond the budget ends the retries.
            } catch (RuntimeException | Error e) {
                gate.releaseProbe();
                throw e;
            }
        }
    }

    /** What is left of the retry budget of a call that started at {@code start}, at least 0. */
    private long leftOf(long budget, long start) {
        long used = clock.millis() - start;
        return used < 0 ? budget : Math.max(0, budget - used);
    }

    /** Ends the retries: {@code e} is thrown, as the next attempt would have to wait too long. */
    private void giveUp(TunnelException e, int failures, long start, long wait, long left)
            throws TunnelException {
        if (failures > 0) {
            LOG.warn(
                    "{}: giving up after {} retries in {} ms: the next attempt must wait {} ms,"
                            + " {} ms are left of the retry budget",
                    e.context(),
                    failures,
                    clock.millis() - start,
                    wait,
                    left);
        }
        throw e;
    }

    /**
     * The wait before the next attempt: the back-off, raised to the service's {@code
     * Retry-After}/{@code HoldClientMillis} (in full: the caller gives up rather than retry
     * sooner). A throttling answer closes the shared gate in one step with the gate's level (two
     * throttles answered at once count as two in a row, as the service counts them): for the
     * back-off of that level (this caller's, and never less than the service's 1 s doubling to 32
     * s), or the service's demand, whichever is longer, capped only by {@link
     * BackoffGate#MAX_HOLD_MILLIS} (never by this caller's budget: the gate holds every request of
     * the process).
     */
    private long nextDelay(TunnelException e, BackoffGate gate, int failures) {
        long retryAfter = e.retryAfterMillis();
        if (e.isThrottling()) {
            long hold =
                    gate.throttle(
                            clock.millis(),
                            level ->
                                    Math.max(
                                            Math.max(
                                                    jittered(Math.max(failures, level)),
                                                    SERVICE_POLICY.backoffMillis(level)),
                                            retryAfter));
            return Math.max(hold, retryAfter);
        }
        return Math.max(jittered(failures), retryAfter);
    }

    /** The back-off of retry number {@code step} plus its jitter. */
    private long jittered(int step) {
        long base = policy.backoffMillis(step);
        return base + (long) (random.getAsDouble() * policy.jitterFraction() * base);
    }
}
