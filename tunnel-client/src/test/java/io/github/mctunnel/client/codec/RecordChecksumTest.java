package io.github.mctunnel.client.codec;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

class RecordChecksumTest {

    /**
     * The checksum collects small updates before handing them to the CRC; whatever the mix and
     * sizes of updates, and however often its value is read in between, it must equal the CRC-32C
     * of the same bytes fed one by one.
     */
    @Test
    void batchedUpdatesGiveTheCrcOfTheConcatenatedBytes() {
        Random random = new Random(18);
        for (int round = 0; round < 2_000; round++) {
            RecordChecksum checksum = new RecordChecksum();
            ByteArrayOutputStream fed = new ByteArrayOutputStream();
            int updates = random.nextInt(200);
            for (int i = 0; i < updates; i++) {
                switch (random.nextInt(6)) {
                    case 0 -> {
                        int v = random.nextInt();
                        checksum.updateInt(v);
                        littleEndian(fed, v, 4);
                    }
                    case 1 -> {
                        long v = random.nextLong();
                        checksum.updateLong(v);
                        littleEndian(fed, v, 8);
                    }
                    case 2 -> {
                        double v = random.nextDouble();
                        checksum.updateDouble(v);
                        littleEndian(fed, Double.doubleToRawLongBits(v), 8);
                    }
                    case 3 -> {
                        boolean v = random.nextBoolean();
                        checksum.updateBoolean(v);
                        fed.write(v ? 1 : 0);
                    }
                    case 4 -> {
                        float v = random.nextFloat();
                        checksum.updateFloat(v);
                        littleEndian(fed, Float.floatToRawIntBits(v), 4);
                    }
                    default -> {
                        byte[] b = new byte[random.nextInt(random.nextBoolean() ? 80 : 1_000)];
                        random.nextBytes(b);
                        int off = b.length == 0 ? 0 : random.nextInt(b.length);
                        int len = random.nextInt(b.length - off + 1);
                        checksum.updateBytes(b, off, len);
                        fed.write(b, off, len);
                    }
                }
                if (random.nextInt(50) == 0) {
                    assertThat(checksum.value()).isEqualTo(crcOf(fed.toByteArray()));
                }
            }
            assertThat(checksum.value()).isEqualTo(crcOf(fed.toByteArray()));
            checksum.reset();
            checksum.updateInt(7);
            assertThat(checksum.value()).isEqualTo(crcOf(new byte[] {7, 0, 0, 0}));
        }
    }

    private static void littleEndian(ByteArrayOutputStream out, long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    private static int crcOf(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
