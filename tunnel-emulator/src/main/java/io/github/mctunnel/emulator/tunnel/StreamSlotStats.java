package io.github.mctunnel.emulator.tunnel;

/**
 * The stream tunnel's partition and slot budget of one table: what live stream sessions hold now,
 * the most they held at once since the emulator started, and how often a request was refused
 * because a budget was full.
 *
 * @param partitionsInUse partitions of the table some stream session holds slots on now
 * @param slotsInUse slots held on all partitions of the table now
 * @param peakPartitions the most partitions held at once
 * @param peakSlotsPerPartition the most slots held on one partition at once
 * @param limitRefusals session creations and flushes refused with {@code SlotExceeded}
 */
public record StreamSlotStats(
        int partitionsInUse,
        int slotsInUse,
        int peakPartitions,
        int peakSlotsPerPartition,
        long limitRefusals) {}
