package io.github.mctunnel.flink.table.lookup;

import java.io.Serializable;

/** How a lookup load waits before its next attempt; tests record the waits instead of sleeping. */
@FunctionalInterface
interface LoadRetryWait extends Serializable {

    LoadRetryWait SLEEP = Thread::sleep;

    void sleep(long millis) throws InterruptedException;
}
