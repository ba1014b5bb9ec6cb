package io.github.mctunnel.client.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * CRC-32C fed the way the Tunnel record stream defines it (§10.3): integers and floating point
 * values as little-endian bytes, booleans as one byte, byte payloads as they are. One instance is
 * reused for all records of a stream; {@link #reset()} starts the next record.
 *
 * <p>A record feeds the checksum a few bytes at a time (a field's index, then its value), and
 * {@link CRC32C#update(byte[], int, int)} costs a call, bounds checks and a short loop each time.
 * So the bytes are collected in a small buffer and handed to the CRC in one piece when it fills,
 * when a large payload arrives and when the value is read: the CRC of the concatenation is the
 * same, with a tenth of the calls for typical records.
 */
final class RecordChecksum {

    /** Payloads up to this size are copied into the buffer; larger ones go to the CRC directly. */
    private static final int SMALL_PAYLOAD = 64;

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final CRC32C crc = new CRC32C();
    private final byte[] pending = new byte[256];
    private int count;

    void updateInt(int v) {
        if (count > pending.length - 4) {
            drain();
        }
        INT_LE.set(pending, count, v);
        count += 4;
    }

    void updateLong(long v) {
        if (count > pending.length - 8) {
            drain();
        }
        LONG_LE.set(pending, count, v);
        count += 8;
    }

    void updateDouble(double v) {
        updateLong(Double.doubleToRawLongBits(v));
    }

    void updateFloat(float v) {
        updateInt(Float.floatToRawIntBits(v));
    }

    void updateBoolean(boolean v) {
        if (count == pending.length) {
            drain();
        }
        pending[count++] = (byte) (v ? 1 : 0);
    }

    void updateBytes(byte[] b, int off, int len) {
        if (len <= SMALL_PAYLOAD) {
            if (count > pending.length - len) {
                drain();
            }
            System.arraycopy(b, off, pending, count, len);
            count += len;
        } else {
            drain();
            crc.update(b, off, len);
        }
    }

    /** The CRC as the stream carries it: the unsigned 32-bit value in an int. */
    int value() {
        drain();
        return (int) crc.getValue();
    }

    void reset() {
        count = 0;
        crc.reset();
    }

    private void drain() {
        if (count > 0) {
            crc.update(pending, 0, count);
            count = 0;
        }
    }
}
