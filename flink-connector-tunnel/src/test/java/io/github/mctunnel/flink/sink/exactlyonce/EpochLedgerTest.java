package io.github.mctunnel.flink.sink.exactlyonce;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EpochLedgerTest {

    private static BlockCommittable block(String session, long epoch, long... ids) {
        List<Long> list = java.util.Arrays.stream(ids).boxed().toList();
        return new BlockCommittable(session, "ds=p0", epoch, list, 10L * ids.length);
    }

    @Test
    void takesEpochsUpToTheCompletedCheckpointInOrderAndKeepsLaterOnes() {
        EpochLedger ledger = new EpochLedger();
        ledger.add(5, block("s5", 5, 0));
        ledger.add(3, block("s3", 3, 0));
        ledger.add(3, block("s3", 3, 5000));
        ledger.add(7, block("s7", 7, 0)); // the last epoch of a bounded input, tagged 7

        List<List<BlockCommittable>> taken = ledger.takeUpTo(5);

        assertThat(taken)
                .containsExactly(
                        List.of(block("s3", 3, 0), block("s3", 3, 5000)),
                        List.of(block("s5", 5, 0)));
        assertThat(ledger.pendingEpochs()).containsExactly(7L);
        assertThat(ledger.takeUpTo(6)).isEmpty();
        // the final checkpoint (any id >= the tag) commits the last epoch
        assertThat(ledger.takeUpTo(8)).containsExactly(List.of(block("s7", 7, 0)));
        assertThat(ledger.pendingEpochs()).isEmpty();
    }

    @Test
    void stateRoundTripKeepsEveryCommittableAndItsEpoch() throws IOException {
        BlockCommittableSerializer serializer = new BlockCommittableSerializer();
        EpochLedger ledger = new EpochLedger();
        ledger.add(3, block("s3", 3, 0, 1));
        ledger.add(4, block("s4", 4, 5000));

        EpochLedger restored = new EpochLedger();
        restored.restore(ledger.serialize(serializer), serializer);

        assertThat(restored.pendingEpochs()).containsExactly(3L, 4L);
        assertThat(restored.takeUpTo(Long.MAX_VALUE))
                .containsExactly(List.of(block("s3", 3, 0, 1)), List.of(block("s4", 4, 5000)));
    }

    @Test
    void unknownStateVersionIsRefusedWithAMessage() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(9);
        }
        assertThatThrownBy(
                        () ->
                                new EpochLedger()
                                        .restore(
                                                bytes.toByteArray(),
                                                new BlockCommittableSerializer()))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "Unknown version 9 of the Tunnel exactly-once committer state (this"
                                + " connector reads 1)");
    }
}
