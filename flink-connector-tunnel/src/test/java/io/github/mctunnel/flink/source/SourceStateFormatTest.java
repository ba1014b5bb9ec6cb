package io.github.mctunnel.flink.source;

import io.github.mctunnel.flink.source.enumerator.ReadPartition;
import io.github.mctunnel.flink.source.enumerator.ReplacedSession;
import io.github.mctunnel.flink.source.enumerator.TunnelEnumeratorState;
import io.github.mctunnel.flink.source.enumerator.TunnelEnumeratorStateSerializer;
import io.github.mctunnel.flink.source.enumerator.WaitingPartition;
import io.github.mctunnel.flink.source.split.TunnelSplit;
import io.github.mctunnel.flink.source.split.TunnelSplitSerializer;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Restore compatibility: the bytes of the split and enumerator-state formats that checkpoints and
 * savepoints hold, written down. A change of either format must keep reading these bytes (under
 * their version) or restores of existing savepoints break; such a change fails this test.
 */
class SourceStateFormatTest {

    private static final HexFormat HEX = HexFormat.of();

    private static final TunnelSplit SPLIT =
            new TunnelSplit("ds=20240101,hh=08", "20240101abcdef", 5_000, 1_000, 2_000, 1_500);

    private static final TunnelSplit AWAITING_REPLACEMENT =
            new TunnelSplit("ds=2", "s-old", 3_000, 2_000, 3_000, 2_100);

    /**
     * What the version 1 bytes below restore as: discovered partitions not awaiting a session are
     * read (time and row count unknown), the replacement's age is unknown, the handled invalidation
     * is dropped (no reader of that checkpoint holds it), no rows count toward a limit.
     */
    private static final TunnelEnumeratorState STATE_FROM_V1 =
            new TunnelEnumeratorState(
                    null,
                    List.of(new ReadPartition("ds=1", -1, -1), new ReadPartition("ds=2", -1, -1)),
                    List.of(),
                    List.of("ds=20240101,hh=08"),
                    List.of(SPLIT),
                    List.of(AWAITING_REPLACEMENT),
                    List.of(new ReplacedSession("s-old", "s-new", 3_500, -1)),
                    List.of(1_700_000_000_000L, 1_700_000_001_000L),
                    true,
                    0);

    private static final TunnelEnumeratorState STATE =
            new TunnelEnumeratorState(
                    "ds=1",
                    List.of(new ReadPartition("ds=2", 1_700_000_000_000L, 3_000)),
                    List.of(
                            new WaitingPartition(
                                    "ds=3", 1_700_000_004_000L, 2_000, 0, 1_700_000_000_000L)),
                    List.of("ds=20240101,hh=08"),
                    List.of(SPLIT),
                    List.of(AWAITING_REPLACEMENT),
                    List.of(new ReplacedSession("s-old", "s-new", 3_500, 1_700_000_002_000L)),
                    List.of(1_700_000_000_000L, 1_700_000_001_000L),
                    true,
                    1_234);

    /** Split version 1: partition, session (UTF); session rows, start, end, next row (longs). */
    private static final String SPLIT_V1 =
            "001164733d32303234303130312c68683d3038" // "ds=20240101,hh=08"
                    + "000e3230323430313031616263646566" // "20240101abcdef"
                    + "0000000000001388" // 5000 session rows
                    + "00000000000003e8" // start 1000
                    + "00000000000007d0" // end 2000
                    + "00000000000005dc"; // next row 1500

    /** Enumerator state version 1, as connectors before issue #17 wrote it (still read). */
    private static final String STATE_V1 =
            "00000003000464733d31000464733d32001164733d32303234303130312c68683d3038" // discovered
                    + "00000001001164733d32303234303130312c68683d3038" // awaiting session
                    + "00000001"
                    + SPLIT_V1 // pending splits
                    + "00000001000464733d320005732d6f6c640000000000000bb8" // awaiting replacement
                    + "00000000000007d00000000000000bb80000000000000834"
                    + "000000010005732d6f6c640005732d6e65770000000000000dac" // replaced sessions
                    + "000000010007732d6f6c642f30" // handled invalidations
                    + "000000020000018bcfe568000000018bcfe56be8" // session creation times
                    + "01"; // initial discovery done

    @Test
    void splitFormatVersion1() throws Exception {
        TunnelSplitSerializer serializer = TunnelSplitSerializer.INSTANCE;
        assertThat(serializer.getVersion()).isEqualTo(1);
        assertThat(HEX.formatHex(serializer.serialize(SPLIT))).isEqualTo(SPLIT_V1);
        TunnelSplit restored = serializer.deserialize(1, HEX.parseHex(SPLIT_V1));
        assertThat(restored).isEqualTo(SPLIT);
        assertThat(restored.splitId()).isEqualTo("20240101abcdef/1000");
        assertThat(restored.nextRow()).isEqualTo(1_500);
    }

    /**
     * Enumerator state version 2: mark (presence byte, UTF); read partitions (UTF, read at, rows
     * cut); waiting partitions (UTF, next look, back-off, last row count, since); awaiting session;
     * pending splits; awaiting replacement; replaced sessions (UTF, UTF, rows, created at); session
     * creation times; initial discovery done; rows assigned toward a limit.
     */
    private static final String STATE_V2 =
            "01000464733d31" // mark "ds=1"
                    + "00000001000464733d320000018bcfe568000000000000000bb8" // read: ds=2
                    + "00000001000464733d330000018bcfe577a000000000000007d0" // waiting: ds=3
                    + "00000000000000000000018bcfe56800"
                    + "00000001001164733d32303234303130312c68683d3038" // awaiting session
                    + "00000001"
                    + SPLIT_V1 // pending splits
                    + "00000001000464733d320005732d6f6c640000000000000bb8" // awaiting replacement
                    + "00000000000007d00000000000000bb80000000000000834"
                    + "000000010005732d6f6c640005732d6e65770000000000000dac" // replaced sessions
                    + "0000018bcfe56fd0"
                    + "000000020000018bcfe568000000018bcfe56be8" // session creation times
                    + "01" // initial discovery done
                    + "00000000000004d2"; // 1234 rows assigned toward a limit

    @Test
    void enumeratorStateFormatVersion2() throws Exception {
        TunnelEnumeratorStateSerializer serializer = TunnelEnumeratorStateSerializer.INSTANCE;
        assertThat(serializer.getVersion()).isEqualTo(2);
        assertThat(HEX.formatHex(serializer.serialize(STATE))).isEqualTo(STATE_V2);
        assertThat(serializer.deserialize(2, HEX.parseHex(STATE_V2))).isEqualTo(STATE);
    }

    @Test
    void enumeratorStateVersion1IsStillRead() throws Exception {
        assertThat(TunnelEnumeratorStateSerializer.INSTANCE.deserialize(1, HEX.parseHex(STATE_V1)))
                .isEqualTo(STATE_FROM_V1);
    }

    @Test
    void unknownVersionsAreRefusedWithAClearMessage() {
        assertThatThrownBy(
                        () -> TunnelSplitSerializer.INSTANCE.deserialize(2, HEX.parseHex(SPLIT_V1)))
                .hasMessage(
                        "Unknown version 2 of a MaxCompute Tunnel split (this connector reads"
                                + " version 1)");
        assertThatThrownBy(
                        () ->
                                TunnelEnumeratorStateSerializer.INSTANCE.deserialize(
                                        3, HEX.parseHex(STATE_V1)))
                .hasMessage(
                        "Unknown version 3 of the MaxCompute Tunnel source enumerator state (this"
                                + " connector reads versions 1 to 2)");
    }
}
