package io.github.mctunnel.flink.source.enumerator;

import io.github.mctunnel.flink.source.split.TunnelSplit;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TunnelEnumeratorStateSerializerTest {

    @Test
    void roundTripsEveryField() throws IOException {
        TunnelEnumeratorState state =
                new TunnelEnumeratorState(
                        "ds=0",
                        List.of(
                                new ReadPartition("ds=1", 5_000, 50),
                                new ReadPartition("ds=2", 6_000, 300)),
                        List.of(new WaitingPartition("ds=3", 9_000, 4_000, 0, 5_000)),
                        List.of("ds=10"),
                        List.of(
                                new TunnelSplit("ds=2", "S2", 300, 0, 100, 0),
                                new TunnelSplit("ds=2", "S2", 300, 100, 200, 150)),
                        List.of(new TunnelSplit("ds=1", "S1", 50, 0, 50, 20)),
                        List.of(new ReplacedSession("S0", "S0b", 77, 8_000)),
                        List.of(1_000L, 2_000L),
                        true,
                        42);
        TunnelEnumeratorStateSerializer s = TunnelEnumeratorStateSerializer.INSTANCE;
        TunnelEnumeratorState back = s.deserialize(s.getVersion(), s.serialize(state));
        assertThat(back).isEqualTo(state);
    }

    @Test
    void roundTripsInitialState() throws IOException {
        TunnelEnumeratorStateSerializer s = TunnelEnumeratorStateSerializer.INSTANCE;
        TunnelEnumeratorState initial = TunnelEnumeratorState.initial();
        assertThat(s.deserialize(2, s.serialize(initial))).isEqualTo(initial);
    }
}
