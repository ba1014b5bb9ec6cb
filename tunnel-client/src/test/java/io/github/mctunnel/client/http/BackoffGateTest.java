package io.github.mctunnel.client.http;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffGateTest {

    private final FakeTime time = new FakeTime(Instant.parse("2024-01-01T00:00:00Z"));

    @Test
    void waitsForTheDeadlineAndReportsTheWait() throws Exception {
        BackoffGate gate = new BackoffGate();
        assertThat(gate.await(time, time)).isZero();
        gate.throttle(time.millis() + 2000);
        assertThat(gate.await(time, time)).isEqualTo(2000);
        gate.onSuccess();
        assertThat(gate.await(time, time)).isZero();
    }

    @Test
    void afterTheDeadlineOnlyOneThreadProbesUntilItSucceeds() throws Exception {
        BackoffGate gate = new BackoffGate();
        gate.throttle(time.millis() + 1000);
        assertThat(gate.await(time, time)).isEqualTo(1000); // this thread is the probe

        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch answered = new CountDownLatch(1);
        Sleeper otherSleeper =
                millis -> {
                    assertThat(millis).isEqualTo(BackoffGate.PROBE_POLL_MILLIS);
                    waiting.countDown();
                    answered.await();
                };
        CompletableFuture<Long> other =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return gate.await(time, otherSleeper);
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        });
        // the other thread waits for the probe's answer instead of sending
        assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(other).isNotDone();
        gate.onSuccess();
        answered.countDown();
        assertThat(other.get(30, TimeUnit.SECONDS)).isEqualTo(BackoffGate.PROBE_POLL_MILLIS);
    }

    @Test
    void aProbeThatFailsWithoutThrottlingLetsTheNextThreadProbe() throws Exception {
        BackoffGate gate = new BackoffGate();
        gate.throttle(time.millis() + 1000);
        gate.await(time, time);
        gate.releaseProbe();
        CompletableFuture<Long> other =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return gate.await(time, time);
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        });
        assertThat(other.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(gate.level()).isEqualTo(1);
    }

    @Test
    void throttlesAnsweredTogetherCountAsTwoInARow() {
        BackoffGate gate = new BackoffGate();
        assertThat(gate.throttle(time.millis(), level -> 1000L << level)).isEqualTo(1000);
        assertThat(gate.throttle(time.millis(), level -> 1000L << level)).isEqualTo(2000);
        assertThat(gate.level()).isEqualTo(2);
        assertThat(gate.remainingMillis(time)).isEqualTo(2000);
        assertThat(gate.throttle(time.millis(), level -> Long.MAX_VALUE))
                .isEqualTo(BackoffGate.MAX_HOLD_MILLIS);
    }

    /**
     * A success of a request let through before a throttle was answered does not reset the level:
     * the service counted that throttle after the success.
     */
    @Test
    void anOlderRequestsSuccessDoesNotResetANewerThrottle() throws Exception {
        BackoffGate gate = new BackoffGate();
        BackoffGate.Turn older = gate.awaitTurn(time, time, Long.MAX_VALUE);
        gate.throttle(time.millis(), level -> 1000);
        gate.onSuccess(older);
        assertThat(gate.level()).isEqualTo(1);
        BackoffGate.Turn newer = gate.awaitTurn(time, time, Long.MAX_VALUE);
        assertThat(newer.waitedMillis()).isEqualTo(1000);
        gate.onSuccess(newer);
        assertThat(gate.level()).isZero();
    }

    @Test
    void aTurnIsRefusedWhenTheGateStaysClosedLongerThanTheCallerMayWait() throws Exception {
        BackoffGate gate = new BackoffGate();
        gate.throttle(time.millis(), level -> 3000);
        assertThat(gate.awaitTurn(time, time, 2999).granted()).isFalse();
        assertThat(time.sleeps()).isEmpty();
        assertThat(gate.awaitTurn(time, time, 3000).granted()).isTrue();
    }
}
