package io.github.mctunnel.flink.sink.session;

import org.apache.flink.annotation.Internal;

import java.io.Serializable;

/**
 * The time the session lifecycles judge session ages by: the service's clock. In production that is
 * the JobManager's wall clock ({@link #SYSTEM}); tests on the emulator's simulated clock pass that
 * one, so session ages follow the service's as it moves days ahead.
 */
@Internal
@FunctionalInterface
public interface ServiceClock extends Serializable {

    ServiceClock SYSTEM = System::currentTimeMillis;

    long millis();
}
