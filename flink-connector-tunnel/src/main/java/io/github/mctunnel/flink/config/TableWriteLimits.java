package io.github.mctunnel.flink.config;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;

/**
 * The per-table budgets of the regular (batch) tunnel that an exactly-once sink must stay inside.
 * {@link #defaults()} are the service's published limits: 500 upload sessions created per 5
 * minutes, 500 blocks written per 5 minutes, 32 concurrent upload sessions, 75 commits per 15
 * seconds. Exclusive resource groups (or tests against an emulator) may allow more.
 *
 * @param sessionsPer5Minutes upload sessions a table may have created per 5 minutes
 * @param blocksPer5Minutes blocks a table may have written per 5 minutes
 * @param concurrentSessions upload sessions a table may have open at once
 * @param commitsPer15Seconds commits a table accepts per 15 seconds
 */
@PublicEvolving
public record TableWriteLimits(
        int sessionsPer5Minutes,
        int blocksPer5Minutes,
        int concurrentSessions,
        int commitsPer15Seconds)
        implements Serializable {

    public TableWriteLimits {
        if (sessionsPer5Minutes < 1
                || blocksPer5Minutes < 1
                || concurrentSessions < 1
                || commitsPer15Seconds < 1) {
            throw new IllegalArgumentException(
                    "Table write limits must all be positive, got sessions/5min="
                            + sessionsPer5Minutes
                            + ", blocks/5min="
                            + blocksPer5Minutes
                            + ", concurrent sessions="
                            + concurrentSessions
                            + ", commits/15s="
                            + commitsPer15Seconds);
        }
    }

    /** The service's published limits for a table. */
    public static TableWriteLimits defaults() {
        return new TableWriteLimits(500, 500, 32, 75);
    }
}
