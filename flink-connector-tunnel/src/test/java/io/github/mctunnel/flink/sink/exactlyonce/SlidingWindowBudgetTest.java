package io.github.mctunnel.flink.sink.exactlyonce;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The pacing of session creations and commits, on an explicit clock. */
class SlidingWindowBudgetTest {

    @Test
    void waitsUntilTheOldestEventLeavesTheWindow() {
        SlidingWindowBudget budget = new SlidingWindowBudget(3, 15_000);
        long t = 1_000_000;
        for (int i = 0; i < 3; i++) {
            assertThat(budget.waitMillis(t + i * 100)).isZero();
            budget.record(t + i * 100);
        }
        assertThat(budget.waitMillis(t + 1_000)).isEqualTo(14_000);
        assertThat(budget.waitMillis(t + 14_999)).isEqualTo(1);
        assertThat(budget.waitMillis(t + 15_000)).isZero();
        budget.record(t + 15_000);
        // the second event (t + 100) is now the oldest in the window
        assertThat(budget.waitMillis(t + 15_000)).isEqualTo(100);
    }
}
