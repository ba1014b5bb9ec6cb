package io.github.mctunnel.flink.sink.session;

import org.apache.flink.annotation.Internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Which execution attempt of each writer subtask a coordinator still serves: once an attempt failed
 * or a newer one runs, requests of older attempts (a writer cut off from the JobManager that still
 * reaches the service) are refused. Not thread-safe: the coordinator's thread runs it.
 */
@Internal
public final class ExecutionAttempts {

    private final String table;

    /** Per subtask, the oldest execution attempt whose requests are still served. */
    private final Map<Integer, Integer> current = new HashMap<>();

    public ExecutionAttempts(String table) {
        this.table = table;
    }

    /** Execution attempt {@code attempt} of the subtask failed: its requests are refused. */
    public void failed(int subtask, int attempt) {
        current.merge(subtask, attempt + 1, Math::max);
    }

    /** Execution attempt {@code attempt} of the subtask runs: older attempts' are refused. */
    public void ready(int subtask, int attempt) {
        current.merge(subtask, attempt, Math::max);
    }

    /**
     * Checks a request of execution attempt {@code attempt} of the subtask.
     *
     * @throws IllegalStateException when a later attempt replaced it
     */
    public void check(int subtask, int attempt, String what) {
        int oldestServed = current.getOrDefault(subtask, 0);
        if (attempt < oldestServed) {
            throw new IllegalStateException(
                    "Refused "
                            + what
                            + " of subtask "
                            + subtask
                            + " execution attempt "
                            + attempt
                            + " of table "
                            + table
                            + ": attempt "
                            + oldestServed
                            + " replaced it");
        }
    }
}
