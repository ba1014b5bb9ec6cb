package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.http.Sleeper;

import org.apache.flink.annotation.Internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The service's commit budget: at most one upsert commit per partition per interval. A partition
 * whose last commit is unknown counts as committed when the pacer was created, so a restarted
 * committer never commits sooner than an interval after its predecessor.
 */
@Internal
final class UpsertCommitPacer {

    private final long intervalMillis;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private final long createdMillis;
    private final Map<String, Long> lastCommit = new HashMap<>();

    UpsertCommitPacer(Duration interval, LongSupplier clock, Sleeper sleeper) {
        this.intervalMillis = interval.toMillis();
        this.clock = clock;
        this.sleeper = sleeper;
        this.createdMillis = clock.getAsLong();
    }

    /** Milliseconds until {@code partition} may be committed again, 0 when it may now. */
    long millisUntilDue(String partition) {
        long last = lastCommit.getOrDefault(partition, createdMillis);
        return Math.max(0, last + intervalMillis - clock.getAsLong());
    }

    boolean isDue(String partition) {
        return millisUntilDue(partition) == 0;
    }

    /** Returns once {@code partition} may be committed. */
    void awaitDue(String partition) throws InterruptedException {
        for (long wait = millisUntilDue(partition); wait > 0; wait = millisUntilDue(partition)) {
            sleeper.sleep(wait);
        }
    }

    /** Records a commit (or a commit attempt that may have succeeded) of {@code partition} now. */
    void committed(String partition) {
        lastCommit.put(partition, clock.getAsLong());
    }
}
