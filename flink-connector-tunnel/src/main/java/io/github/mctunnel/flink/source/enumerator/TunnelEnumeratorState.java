package io.github.mctunnel.flink.source.enumerator;

import io.github.mctunnel.flink.source.split.TunnelSplit;

import org.apache.flink.annotation.Internal;

import java.util.List;
import java.util.Set;

/**
 * The enumerator's checkpoint: every partition discovered so far (so none is read twice after a
 * restore), partitions still waiting for their download session, splits not yet assigned, splits
 * waiting for a replacement session, replaced sessions, recent session creations (for pacing), and
 * whether the initial discovery happened.
 *
 * @param discoveredPartitions tunnel forms of all partitions ever selected ("" for a
 *     non-partitioned table)
 * @param awaitingSession tunnel forms of partitions without a session yet, in reading order
 * @param pendingSplits splits not assigned to a reader
 * @param awaitingReplacement invalidated splits waiting for a replacement session
 * @param replacedSessions invalidated sessions and their replacements
 * @param handledInvalidations ids of invalidated splits already taken back
 * @param sessionCreationTimes epoch millis of recent session creations, oldest first
 * @param initialDiscoveryDone whether the first partition discovery completed
 */
@Internal
public record TunnelEnumeratorState(
        List<String> discoveredPartitions,
        List<String> awaitingSession,
        List<TunnelSplit> pendingSplits,
        List<TunnelSplit> awaitingReplacement,
        List<ReplacedSession> replacedSessions,
        Set<String> handledInvalidations,
        List<Long> sessionCreationTimes,
        boolean initialDiscoveryDone) {

    public TunnelEnumeratorState {
        discoveredPartitions = List.copyOf(discoveredPartitions);
        awaitingSession = List.copyOf(awaitingSession);
        pendingSplits = List.copyOf(pendingSplits);
        awaitingReplacement = List.copyOf(awaitingReplacement);
        replacedSessions = List.copyOf(replacedSessions);
        handledInvalidations = Set.copyOf(handledInvalidations);
        sessionCreationTimes = List.copyOf(sessionCreationTimes);
    }

    /** The state of a fresh enumerator. */
    public static TunnelEnumeratorState initial() {
        return new TunnelEnumeratorState(
                List.of(), List.of(), List.of(), List.of(), List.of(), Set.of(), List.of(), false);
    }
}
