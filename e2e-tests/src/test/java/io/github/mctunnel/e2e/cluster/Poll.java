package io.github.mctunnel.e2e.cluster;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition by polling it. */
final class Poll {

    /** A condition; may throw while it cannot be evaluated yet (e.g. a server still starting). */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private Poll() {}

    /**
     * Polls {@code condition} every 200 ms until it holds; fails after {@code timeout} with {@code
     * what}, the last exception and {@code diagnostics}.
     */
    static void until(
            String what, Duration timeout, Condition condition, Supplier<String> diagnostics)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError error =
                        new AssertionError(
                                "timed out after "
                                        + timeout.toSeconds()
                                        + " s waiting for "
                                        + what
                                        + System.lineSeparator()
                                        + diagnostics.get());
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            Thread.sleep(200);
        }
    }
}
