package io.github.mctunnel.flink.source.split;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TunnelSplitSerializerTest {

    private final TunnelSplitSerializer serializer = TunnelSplitSerializer.INSTANCE;

    @Test
    void roundTripsEveryField() throws IOException {
        TunnelSplit split =
                new TunnelSplit("ds=20240101,hh=08", "DL-1", 5_000, 1_000, 2_000, 1_234);
        TunnelSplit back =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(split));
        assertThat(back).isEqualTo(split);
        assertThat(back.splitId()).isEqualTo("DL-1/1000");
        assertThat(back.nextRow()).isEqualTo(1_234);
    }

    @Test
    void roundTripsNonPartitionedSplit() throws IOException {
        TunnelSplit split = new TunnelSplit("", "s", 10, 0, 10, 10);
        TunnelSplit back = serializer.deserialize(1, serializer.serialize(split));
        assertThat(back).isEqualTo(split);
        assertThat(back.partitionSpec().isEmpty()).isTrue();
        assertThat(back.isFinished()).isTrue();
    }

    @Test
    void rejectsUnknownVersionAndTrailingBytes() throws IOException {
        byte[] bytes = serializer.serialize(new TunnelSplit("ds=1", "s", 10, 0, 10, 3));
        assertThatThrownBy(() -> serializer.deserialize(2, bytes))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "Unknown version 2 of a MaxCompute Tunnel split (this connector reads"
                                + " version 1)");
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> serializer.deserialize(1, longer))
                .isInstanceOf(IOException.class)
                .hasMessage("Corrupt MaxCompute Tunnel split: 1 trailing bytes");
    }

    @Test
    void rejectsInvalidRange() {
        assertThatThrownBy(() -> new TunnelSplit("", "s", 10, 5, 4, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid split range: start 5, end 4, next row 5, session rows 10");
    }
}
