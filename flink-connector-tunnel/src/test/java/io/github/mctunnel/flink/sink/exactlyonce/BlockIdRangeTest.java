package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.session.UploadSession;

import org.junit.jupiter.api.Test;

import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockIdRangeTest {

    @Test
    void rangesOfAllSubtasksAndGenerationsAreDisjointAndInsideTheSessionsIds() {
        int parallelism = 7;
        long size = UploadSession.MAX_BLOCK_ID / SessionLifecycle.GENERATIONS / parallelism;
        TreeSet<Long> seen = new TreeSet<>();
        for (int g = 0; g < SessionLifecycle.GENERATIONS; g++) {
            for (int s = 0; s < parallelism; s++) {
                BlockIdRange r = BlockIdRange.of(s, parallelism, g);
                assertThat(r.size()).isEqualTo(size);
                for (int n = 0; n < r.size(); n++) {
                    assertThat(seen.add(r.id(n))).as("id %d used twice", r.id(n)).isTrue();
                }
            }
        }
        assertThat(seen.first()).isZero();
        assertThat(seen.last()).isLessThan(UploadSession.MAX_BLOCK_ID);
    }

    @Test
    void nthBlockIdIsDeterministic() {
        // generations of 5,000 ids; 4 writers get 1,250 each
        BlockIdRange r = BlockIdRange.of(3, 4, 1);
        assertThat(r.id(0)).isEqualTo(5000 + 3 * 1250);
        assertThat(r.id(2)).isEqualTo(5000 + 3 * 1250 + 2);
        assertThat(BlockIdRange.of(3, 4, 1).id(2)).isEqualTo(r.id(2));
        assertThat(BlockIdRange.of(3, 4).id(0)).isEqualTo(3 * 1250);
    }

    @Test
    void generationsStartAtTheSameIdsWhateverTheParallelism() {
        // a rescaled job's new generation never overlaps an old generation's ids
        for (int p : new int[] {1, 3, 7, 64}) {
            assertThat(BlockIdRange.of(0, p, 2).first()).isEqualTo(10_000);
            BlockIdRange last = BlockIdRange.of(p - 1, p, 1);
            assertThat(last.first() + last.size()).isLessThanOrEqualTo(10_000);
        }
    }

    @Test
    void blockOutsideTheRangeIsRefused() {
        BlockIdRange r = BlockIdRange.of(0, 4);
        assertThatThrownBy(() -> r.id(1250))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("block 1250 of an epoch is outside the writer's 1250 block ids");
    }

    @Test
    void parallelismAboveTheBlockIdsIsRefused() {
        assertThatThrownBy(() -> BlockIdRange.of(0, 5001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "The exactly-once Tunnel sink runs at parallelism 1 to 5000 (a session's"
                                + " 20000 block ids are split among the writers in 4"
                                + " generations), got 5001");
        assertThat(BlockIdRange.of(4999, 5000, 3).id(0)).isEqualTo(19999);
    }
}
