package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.session.UploadSession;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockIdRangeTest {

    @Test
    void rangesOfAllSubtasksAreDisjointAndInsideTheSessionsIds() {
        int parallelism = 7;
        long next = 0;
        for (int s = 0; s < parallelism; s++) {
            BlockIdRange r = BlockIdRange.of(s, parallelism);
            assertThat(r.first()).isEqualTo(next);
            assertThat(r.size()).isEqualTo(UploadSession.MAX_BLOCK_ID / parallelism);
            next = r.first() + r.size();
        }
        assertThat(next).isLessThanOrEqualTo(UploadSession.MAX_BLOCK_ID);
        BlockIdRange last = BlockIdRange.of(parallelism - 1, parallelism);
        assertThat(last.id((int) last.size() - 1)).isLessThan(UploadSession.MAX_BLOCK_ID);
    }

    @Test
    void nthBlockIdIsDeterministic() {
        BlockIdRange r = BlockIdRange.of(3, 4);
        assertThat(r.id(0)).isEqualTo(15000);
        assertThat(r.id(2)).isEqualTo(15002);
        assertThat(BlockIdRange.of(3, 4).id(2)).isEqualTo(r.id(2));
    }

    @Test
    void blockOutsideTheRangeIsRefused() {
        BlockIdRange r = BlockIdRange.of(0, 4);
        assertThatThrownBy(() -> r.id(5000))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("block 5000 of an epoch is outside the writer's 5000 block ids");
    }

    @Test
    void parallelismAboveTheBlockIdsIsRefused() {
        assertThatThrownBy(() -> BlockIdRange.of(0, 20001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "The exactly-once Tunnel sink runs at parallelism 1 to 20000 (block ids of"
                                + " a session), got 20001");
    }
}
