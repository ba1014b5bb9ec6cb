package io.github.mctunnel.flink.sink;

import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import java.time.Duration;

/**
 * The emulator exactly-once sink tests use: the service's rate budgets raised (100,000 sessions and
 * blocks per 5 minutes, 10,000 commits per 15 seconds) so that checkpoints every few hundred
 * milliseconds fit; every other limit as the service has it.
 */
final class FrequentCheckpointsEmulator {

    private FrequentCheckpointsEmulator() {}

    static TunnelEmulator start() throws Exception {
        return start(TunnelEmulator.builder());
    }

    /** Starts {@code builder} (e.g. with a fault plan) with the raised budgets. */
    static TunnelEmulator start(TunnelEmulator.Builder builder) throws Exception {
        return builder.credentials("ak", "sk")
                .limits(
                        EmulatorLimits.builder()
                                .uploadSessionRate(100_000, Duration.ofMinutes(5))
                                .blockRate(100_000, Duration.ofMinutes(5))
                                .commitRate(10_000, Duration.ofSeconds(15))
                                .build())
                .build()
                .start();
    }
}
