package io.github.mctunnel.emulator.clientflows;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.error.TunnelException;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.DownloadSession;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.emulator.TunnelEmulator;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.github.mctunnel.emulator.clientflows.ClientFlowsFixture.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The emulator's own 8 MiB STRING field check (default limits), tripped by a client that skips its
 * local check: the block is encoded with a record writer whose field limit is above the session's.
 */
class FieldSizeLimitClientFlowsITCase {

    private static final int LIMIT = 8 * 1024 * 1024;

    /** Writes one block of rows {@code (i, value_i)} with no client-side field size check. */
    private static void writeUnchecked(UploadSession s, long block, byte[]... values)
            throws TunnelException {
        s.writeBlock(
                block,
                null,
                out -> {
                    RecordStreamWriter w =
                            new RecordStreamWriter(s.schema().columns(), out, Integer.MAX_VALUE);
                    for (int i = 0; i < values.length; i++) {
                        w.setBigint(0, i);
                        w.setString(1, values[i], 0, values[i].length);
                        w.endRecord();
                    }
                    w.finish();
                });
    }

    private static byte[] stringOf(int bytes) {
        byte[] b = new byte[bytes];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    @Test
    void aStringOverEightMegabytesIsRefusedByTheEmulatorAndTheBlockIsNotKept() throws Exception {
        try (TunnelEmulator emulator = ClientFlowsFixture.startEmulator();
                TunnelClient client = ClientFlowsFixture.client(emulator)) {
            emulator.executeSql("CREATE TABLE big (id BIGINT, name STRING)");
            TableIdentifier t = client.table("big");
            UploadSession s = client.createUploadSession(t, PartitionSpec.empty(), false);
            assertThat(s.maxFieldSize()).isEqualTo(LIMIT);

            assertThatThrownBy(() -> writeUnchecked(s, 1, stringOf(3), stringOf(LIMIT + 1)))
                    .isInstanceOfSatisfying(
                            TunnelException.class,
                            e -> {
                                assertThat(e.httpStatus()).isEqualTo(400);
                                assertThat(e.errorCode()).isEqualTo("InvalidArgument");
                                assertThat(e.getMessage())
                                        .contains(
                                                "Value of column name in record 1 has 8388609"
                                                        + " bytes; the limit is 8388608 bytes");
                            });
            assertThat(s.blockList()).isEmpty();

            // Exactly at the limit is accepted, committed and read back whole.
            writeUnchecked(s, 0, stringOf(LIMIT));
            assertThat(s.blockList()).containsExactly(0L);
            s.commit(List.of(0L));
            DownloadSession d = client.createDownloadSession(t, PartitionSpec.empty());
            List<Object[]> rows = readAll(d.openReader(0, 1, null, Compression.RAW, true, 10));
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0)[0]).isEqualTo(0L);
            assertThat((byte[]) rows.get(0)[1]).isEqualTo(stringOf(LIMIT));
        }
    }
}
