package io.github.mctunnel.flink.sink.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriterSpreadTest {

    @Test
    void openPartitionsOfAllWritersNeverExceedTheTableLimit() {
        for (int parallelism = 1; parallelism <= 300; parallelism++) {
            for (int tableCap : new int[] {1, 7, 16, 64}) {
                for (int perWriter : new int[] {1, 8, 64}) {
                    WriterSpread spread = new WriterSpread(0, tableCap, perWriter);
                    int total =
                            spread.activeWriters(parallelism)
                                    * spread.openPartitionsPerWriter(parallelism);
                    assertThat(total)
                            .as("parallelism %d, cap %d", parallelism, tableCap)
                            .isLessThanOrEqualTo(tableCap);
                    assertThat(spread.writersPerPartition(parallelism))
                            .isLessThanOrEqualTo(32)
                            .isLessThanOrEqualTo(spread.activeWriters(parallelism));
                }
            }
        }
    }

    @Test
    void defaultsFollowParallelismAndTheLimits() {
        WriterSpread spread = new WriterSpread(0, 64, 8);
        assertThat(spread.activeWriters(8)).isEqualTo(8);
        assertThat(spread.openPartitionsPerWriter(8)).isEqualTo(8);
        assertThat(spread.writersPerPartition(8)).isEqualTo(8);
        assertThat(spread.openPartitionsPerWriter(16)).isEqualTo(4);
        assertThat(spread.writersPerPartition(48)).isEqualTo(32);
        assertThat(spread.activeWriters(100)).isEqualTo(64);
        assertThat(spread.openPartitionsPerWriter(100)).isEqualTo(1);
        assertThat(new WriterSpread(2, 64, 8).writersPerPartition(8)).isEqualTo(2);
    }

    @Test
    void moreWritersPerPartitionThanSlotsIsRejected() {
        assertThatThrownBy(() -> new WriterSpread(33, 64, 8))
                .hasMessage(
                        "writers per partition must be in [1, 32] (a partition has at most 32"
                                + " stream slots, one per writer), got 33");
    }
}
