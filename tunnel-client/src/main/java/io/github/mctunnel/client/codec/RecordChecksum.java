package io.github.mctunnel.client.codec;

import java.util.zip.CRC32C;

/**
 * CRC-32C fed the way the Tunnel record stream defines it (§10.3): integers and floating point
 * values as little-endian bytes, booleans as one byte, byte payloads as they are. One instance is
 * reused for all records of a stream; {@link #reset()} starts the next record.
 */
final class RecordChecksum {

    private final CRC32C crc = new CRC32C();
    private final byte[] scratch = new byte[8];

    void updateInt(int v) {
        scratch[0] = (byte) v;
        scratch[1] = (byte) (v >>> 8);
        scratch[2] = (byte) (v >>> 16);
        scratch[3] = (byte) (v >>> 24);
        crc.update(scratch, 0, 4);
    }

    void updateLong(long v) {
        scratch[0] = (byte) v;
        scratch[1] = (byte) (v >>> 8);
        scratch[2] = (byte) (v >>> 16);
        scratch[3] = (byte) (v >>> 24);
        scratch[4] = (byte) (v >>> 32);
        scratch[5] = (byte) (v >>> 40);
        scratch[6] = (byte) (v >>> 48);
        scratch[7] = (byte) (v >>> 56);
        crc.update(scratch, 0, 8);
    }

    void updateDouble(double v) {
        updateLong(Double.doubleToRawLongBits(v));
    }

    void updateFloat(float v) {
        updateInt(Float.floatToRawIntBits(v));
    }

    void updateBoolean(boolean v) {
        crc.update(v ? 1 : 0);
    }

    void updateBytes(byte[] b, int off, int len) {
        crc.update(b, off, len);
    }

    /** The CRC as the stream carries it: the unsigned 32-bit value in an int. */
    int value() {
        return (int) crc.getValue();
    }

    void reset() {
        crc.reset();
    }
}
