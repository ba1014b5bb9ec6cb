package io.github.mctunnel.flink.source.enumerator;

import org.apache.flink.annotation.Internal;

import java.util.Objects;

/**
 * A partition of a continuous read that is not read yet: not looked at yet, found empty (rows are
 * usually committed after the partition is added), or not ready under the readiness rule. It is
 * looked at again from {@code recheckAtMillis} on; each look that finds it empty doubles the
 * back-off, up to a cap.
 *
 * @param partition the tunnel form
 * @param recheckAtMillis when it is looked at next (enumerator clock)
 * @param backoffMillis the wait before that look; 0 before the first look
 */
@Internal
public record WaitingPartition(String partition, long recheckAtMillis, long backoffMillis) {

    public WaitingPartition {
        Objects.requireNonNull(partition, "partition");
    }
}
