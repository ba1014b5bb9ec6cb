package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.http.Sleeper;

import org.apache.flink.annotation.Internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The service's commit budget: at most one upsert commit per partition per interval, counted from
 * the end of the previous commit. Commits of a partition run one at a time. A partition whose last
 * commit is unknown counts as committed when the pacer was created, so a restarted committer never
 * commits sooner than an interval after its predecessor.
 *
 * <p>Only the single {@link UpsertCommitOperator} of a sink commits, with its own pacer, so the
 * pacing holds however the writers are spread over TaskManagers (no pacing state is shared through
 * the JVM).
 */
@Internal
final class UpsertCommitPacer {

    /** A commit of one session. */
    @FunctionalInterface
    interface CommitAction {
        /**
         * @return whether a commit request was sent (only then does the partition's interval start
         *     again; a session found committed or unknown costs no commit)
         */
        boolean run() throws TunnelException;
    }

    private final long intervalMillis;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private final long createdMillis;
    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();

    UpsertCommitPacer(Duration interval, LongSupplier clock, Sleeper sleeper) {
        this.intervalMillis = interval.toMillis();
        this.clock = clock;
        this.sleeper = sleeper;
        this.createdMillis = clock.getAsLong();
    }

    private Budget budget(String partition) {
        return budgets.computeIfAbsent(partition, p -> new Budget(createdMillis));
    }

    /** Milliseconds until {@code partition} may be committed again, 0 when it may now. */
    long millisUntilDue(String partition) {
        return Math.max(0, budget(partition).last + intervalMillis - clock.getAsLong());
    }

    /**
     * Runs {@code commit} when {@code partition} is due and no other commit of it is under way.
     *
     * @return whether it ran
     */
    boolean commitIfDue(String partition, CommitAction commit) throws TunnelException {
        Budget budget = budget(partition);
        if (!budget.lock.tryLock()) {
            return false;
        }
        try {
            if (millisUntilDue(partition) > 0) {
                return false;
            }
            run(budget, commit);
            return true;
        } finally {
            budget.lock.unlock();
        }
    }

    /** Waits until {@code partition} is due (after any commit of it under way), then commits. */
    void commitWhenDue(String partition, CommitAction commit)
            throws TunnelException, InterruptedException {
        Budget budget = budget(partition);
        budget.lock.lockInterruptibly();
        try {
            for (long wait = millisUntilDue(partition);
                    wait > 0;
                    wait = millisUntilDue(partition)) {
                sleeper.sleep(wait);
            }
            run(budget, commit);
        } finally {
            budget.lock.unlock();
        }
    }

    private void run(Budget budget, CommitAction commit) throws TunnelException {
        boolean sent = true; // a failed attempt may have committed: it counts too
        try {
            sent = commit.run();
        } finally {
            if (sent) {
                budget.last = clock.getAsLong();
            }
        }
    }

    private static final class Budget {
        final ReentrantLock lock = new ReentrantLock();
        volatile long last;

        Budget(long last) {
            this.last = last;
        }
    }
}
