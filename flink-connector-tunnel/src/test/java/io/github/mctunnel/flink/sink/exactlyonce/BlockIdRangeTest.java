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
        long size = UploadSession.MAX_BLOCK_ID / (parallelism * SessionLifecycle.GENERATIONS);
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
        // 20000 / (4 writers x 16 generations) = 312 ids each; generation 1 of subtask 3 is slot 7
        BlockIdRange r = BlockIdRange.of(3, 4, 1);
        assertThat(r.id(0)).isEqualTo(7 * 312);
        assertThat(r.id(2)).isEqualTo(7 * 312 + 2);
        assertThat(BlockIdRange.of(3, 4, 1).id(2)).isEqualTo(r.id(2));
        assertThat(BlockIdRange.of(3, 4).id(0)).isEqualTo(3 * 312);
    }

    @Test
    void blockOutsideTheRangeIsRefused() {
        BlockIdRange r = BlockIdRange.of(0, 4);
        assertThatThrownBy(() -> r.id(312))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("block 312 of an epoch is outside the writer's 312 block ids");
    }

    @Test
    void parallelismAboveTheBlockIdsIsRefused() {
        assertThatThrownBy(() -> BlockIdRange.of(0, 1251))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "The exactly-once Tunnel sink runs at parallelism 1 to 1250 (a session's"
                                + " 20000 block ids are split among the writers in 16"
                                + " generations), got 1251");
        assertThat(BlockIdRange.of(1249, 1250, 15).id(0)).isEqualTo(19999);
    }
}
