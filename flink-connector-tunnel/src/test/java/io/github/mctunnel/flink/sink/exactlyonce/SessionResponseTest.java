package io.github.mctunnel.flink.sink.exactlyonce;

import org.apache.flink.runtime.operators.coordination.CoordinationResponse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionResponseTest {

    @Test
    void travelsAsAFlinkClassThatTaskManagersCanDeserializeWithoutTheJobsClassLoader() {
        CoordinationResponse wire =
                new SessionResponse("s-1", 312, 312, 0).toCoordinationResponse();

        // parent-first on every Flink cluster (classloader.parent-first-patterns.default)
        assertThat(wire.getClass().getName()).startsWith("org.apache.flink.");
        assertThat(SessionResponse.from(wire)).isEqualTo(new SessionResponse("s-1", 312, 312, 0));
    }

    @Test
    void aThrottledAnswerHasNoSessionAndTheWait() {
        SessionResponse throttled =
                SessionResponse.from(
                        new SessionResponse(null, 0, 0, 1500).toCoordinationResponse());

        assertThat(throttled).isEqualTo(new SessionResponse(null, 0, 0, 1500));
    }

    @Test
    void anotherResponseIsRejected() {
        assertThatThrownBy(() -> SessionResponse.from(new CoordinationResponse() {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a Tunnel session coordinator response");
    }
}
