package io.github.mctunnel.client.http;

/**
 * What retrying cost one call: how many times it was retried and how long it waited (back-off after
 * its own failures plus waits at a shared gate another thread's 429/503 had closed). Filled in by
 * {@link RetryingCaller#run(String, io.github.mctunnel.client.error.ErrorContext, boolean,
 * RetryingCaller.Attempt, RetryTally)}; one per call, not thread-safe.
 */
public final class RetryTally {

    private int retries;
    private long waitedMillis;

    void retried() {
        retries++;
    }

    void waited(long millis) {
        waitedMillis += millis;
    }

    /** Attempts after the first. */
    public int retries() {
        return retries;
    }

    /** Milliseconds spent waiting before attempts. */
    public long waitedMillis() {
        return waitedMillis;
    }
}
