package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.client.http.RetryPolicy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * The attempts of one load of a lookup table (at open, or at a reload). Requests are retried by the
 * client first (throttling, 5xx and I/O errors, for up to {@code retry.max-duration}); a load that
 * fails even so, or whose download session became invalid because the table was modified, is tried
 * again after the back-off of the service's retry policy (1 s doubling to 32 s, plus up to 10%
 * jitter) until {@code lookup.max-retries} retries are used up. Not thread-safe: one load runs in
 * one thread.
 */
final class LoadAttempts {

    private static final Logger LOG = LoggerFactory.getLogger(LoadAttempts.class);

    private static final RetryPolicy POLICY = RetryPolicy.defaults();

    private final String tableName;
    private final int maxRetries;
    private final LoadRetryWait wait;
    private final DoubleSupplier random;
    private final List<IOException> failures = new ArrayList<>();

    /**
     * @param random source of jitter in [0, 1)
     */
    LoadAttempts(String tableName, int maxRetries, LoadRetryWait wait, DoubleSupplier random) {
        this.tableName = tableName;
        this.maxRetries = maxRetries;
        this.wait = wait;
        this.random = random;
    }

    /**
     * After a failed attempt (or a failed part of one): returns after the back-off when a retry is
     * left, so the caller starts the attempt again or resumes it.
     *
     * @throws LookupLoadException when no retry is left (naming the table, the attempts and the
     *     option; the failures are its cause and suppressed exceptions), or at once for a failure
     *     no retry can cure
     * @throws InterruptedIOException when interrupted while waiting (the task is closing)
     */
    void retryAfter(IOException failure) throws IOException {
        if (failure instanceof LookupLoadException || failure instanceof InterruptedIOException) {
            throw failure;
        }
        failures.add(failure);
        int attempts = failures.size();
        if (attempts > maxRetries) {
            LookupLoadException e =
                    new LookupLoadException(
                            "Loading lookup table "
                                    + tableName
                                    + " failed after "
                                    + attempts
                                    + (attempts == 1 ? " attempt" : " attempts")
                                    + " ('"
                                    + MaxComputeLookupOptions.LOOKUP_MAX_RETRIES.key()
                                    + "' = "
                                    + maxRetries
                                    + "): "
                                    + failure.getMessage(),
                            failure);
            for (IOException earlier : failures.subList(0, attempts - 1)) {
                e.addSuppressed(earlier);
            }
            throw e;
        }
        long base = POLICY.backoffMillis(attempts - 1);
        long delay = base + (long) (random.getAsDouble() * POLICY.jitterFraction() * base);
        LOG.warn(
                "Loading lookup table {} failed (attempt {} of {}), trying again in {} ms: {}",
                tableName,
                attempts,
                maxRetries + 1,
                delay,
                failure.toString());
        try {
            wait.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted =
                    new InterruptedIOException(
                            "Loading lookup table " + tableName + " was interrupted");
            interrupted.addSuppressed(failure);
            throw interrupted;
        }
    }

    /** The failures retried so far, for tests. */
    int retries() {
        return failures.size();
    }
}
