package io.github.mctunnel.flink.source.enumerator;

import io.github.mctunnel.flink.source.split.TunnelSplit;

import org.apache.flink.annotation.Internal;

import javax.annotation.Nullable;

import java.util.List;

/**
 * The enumerator's checkpoint. Bounded over time: partitions read longer ago than {@link
 * TunnelSplitEnumerator#READ_PARTITION_RETENTION} are folded into a mark (every partition at or
 * before it in {@link PartitionOrder} counts as read), replaced sessions are kept while their
 * replacement lives, and invalidated splits already taken back are not part of it at all (a
 * checkpoint's readers never hold one: the acknowledgement reaches them before the barrier).
 *
 * @param readMark every partition at or before this one (tunnel form) counts as read; null when
 *     none does
 * @param readPartitions partitions after the mark, or read within the retention, whose rows were
 *     handed out
 * @param waitingPartitions partitions of a continuous read not read yet (unchecked, empty or not
 *     ready), with their next look
 * @param awaitingSession tunnel forms of partitions to create a session for, in reading order
 * @param pendingSplits splits not assigned to a reader
 * @param awaitingReplacement invalidated splits waiting for a replacement session
 * @param replacedSessions invalidated sessions and their replacements
 * @param sessionCreationTimes epoch millis of recent session creations, oldest first
 * @param initialDiscoveryDone whether the first partition discovery completed
 * @param rowsAssigned rows handed to readers toward a pushed-down limit
 */
@Internal
public record TunnelEnumeratorState(
        @Nullable String readMark,
        List<ReadPartition> readPartitions,
        List<WaitingPartition> waitingPartitions,
        List<String> awaitingSession,
        List<TunnelSplit> pendingSplits,
        List<TunnelSplit> awaitingReplacement,
        List<ReplacedSession> replacedSessions,
        List<Long> sessionCreationTimes,
        boolean initialDiscoveryDone,
        long rowsAssigned) {

    public TunnelEnumeratorState {
        readPartitions = List.copyOf(readPartitions);
        waitingPartitions = List.copyOf(waitingPartitions);
        awaitingSession = List.copyOf(awaitingSession);
        pendingSplits = List.copyOf(pendingSplits);
        awaitingReplacement = List.copyOf(awaitingReplacement);
        replacedSessions = List.copyOf(replacedSessions);
        sessionCreationTimes = List.copyOf(sessionCreationTimes);
    }

    /** The state of a fresh enumerator. */
    public static TunnelEnumeratorState initial() {
        return new TunnelEnumeratorState(
                null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                false, 0);
    }
}
