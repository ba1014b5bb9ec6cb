package io.github.mctunnel.client.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Back-off for retried requests (service retry policy): {@code initialBackoff} doubling per
 * consecutive failure up to {@code maxBackoff}, plus up to {@code jitterFraction} of the delay as
 * random jitter; a {@code Retry-After} or {@code HoldClientMillis} from the service raises the
 * delay to at least that. Retrying stops, at once and without waiting, when the next wait (the
 * back-off, the service's demand, or the shared back-off gate closed by another request) would end
 * later than {@code maxRetryDuration} after the first attempt: a retry is never sent sooner than
 * the service asks. A throttling answer closes the shared gate for at most {@code
 * maxRetryDuration}, so a huge demand neither overflows nor holds other requests forever. Unknown
 * hosts, failed TLS handshakes and refused certificates are never retried.
 */
public record RetryPolicy(
        Duration initialBackoff,
        Duration maxBackoff,
        Duration maxRetryDuration,
        double jitterFraction) {

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryDuration, "maxRetryDuration");
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff must be positive");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be >= initialBackoff");
        }
        if (jitterFraction < 0 || jitterFraction > 1) {
            throw new IllegalArgumentException(
                    "jitterFraction must be in [0, 1], got " + jitterFraction);
        }
    }

    /** 1 s doubling to 32 s, 10% jitter, give up after 10 minutes. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(
                Duration.ofSeconds(1), Duration.ofSeconds(32), Duration.ofMinutes(10), 0.1);
    }

    /** No retries at all. */
    public static RetryPolicy none() {
        return new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ZERO, 0);
    }

    /** The delay before retry number {@code failures} (0-based), without jitter. */
    public long backoffMillis(int failures) {
        long initial = initialBackoff.toMillis();
        long max = maxBackoff.toMillis();
        if (failures >= 62) {
            return max;
        }
        long delay = initial << Math.min(failures, 30);
        return delay <= 0 || delay > max ? max : delay;
    }
}
