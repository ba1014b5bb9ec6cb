package io.github.mctunnel.flink.convert;

import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.data.writer.BinaryRowWriter;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BinaryRowBuilder} writes the very bytes Flink's {@link BinaryRowWriter} writes for the
 * same values ({@link BinaryRowData#equals} compares the bytes).
 */
class BinaryRowBuilderTest {

    /** Writes the same row twice: with the builder, and with Flink's writer. */
    private static final class Both {
        final BinaryRowBuilder builder;
        final BinaryRowData expected;
        final BinaryRowWriter writer;
        int varLength;

        Both(int arity) {
            builder = new BinaryRowBuilder(arity);
            expected = new BinaryRowData(arity);
            writer = new BinaryRowWriter(expected);
        }

        void assertEqual(Runnable writeBuilder) {
            writer.complete();
            builder.start(varLength);
            writeBuilder.run();
            BinaryRowData actual = builder.finish();
            assertThat(actual).isEqualTo(expected);
            assertThat(actual.getSizeInBytes()).isEqualTo(expected.getSizeInBytes());
            assertThat(actual.getSegments()[0].size()).isEqualTo(actual.getSizeInBytes());
        }
    }

    @Test
    void primitivesAndNulls() {
        Both b = new Both(9);
        b.writer.writeBoolean(0, true);
        b.writer.writeByte(1, (byte) -7);
        b.writer.writeShort(2, (short) -30_000);
        b.writer.writeInt(3, Integer.MIN_VALUE + 5);
        b.writer.writeLong(4, -9_000_000_000_000L);
        b.writer.writeFloat(5, -1.25f);
        b.writer.writeDouble(6, Double.longBitsToDouble(0x7ff8_0000_0000_0123L));
        b.writer.setNullAt(7);
        b.writer.writeInt(8, 0);
        b.assertEqual(
                () -> {
                    b.builder.writeBoolean(0, true);
                    b.builder.writeByte(1, (byte) -7);
                    b.builder.writeShort(2, (short) -30_000);
                    b.builder.writeInt(3, Integer.MIN_VALUE + 5);
                    b.builder.writeLong(4, -9_000_000_000_000L);
                    b.builder.writeFloat(5, -1.25f);
                    b.builder.writeDouble(6, Double.longBitsToDouble(0x7ff8_0000_0000_0123L));
                    b.builder.setNull(7);
                    b.builder.writeInt(8, 0);
                });
    }

    @Test
    void everyFieldNullAcrossTheNullBitWords() {
        for (int arity : new int[] {0, 1, 55, 56, 57, 63, 64, 65, 130}) {
            Both b = new Both(arity);
            for (int i = 0; i < arity; i++) {
                if (i % 3 != 1) {
                    b.writer.setNullAt(i);
                } else {
                    b.writer.writeLong(i, i);
                }
            }
            b.assertEqual(
                    () -> {
                        for (int i = 0; i < arity; i++) {
                            if (i % 3 != 1) {
                                b.builder.setNull(i);
                            } else {
                                b.builder.writeLong(i, i);
                            }
                        }
                    });
        }
    }

    @Test
    void stringsAndBinariesInlineUpToSevenBytesAndPaddedBeyond() {
        for (int n = 0; n <= 25; n++) {
            int len = n;
            byte[] text = new byte[len];
            for (int i = 0; i < len; i++) {
                text[i] = (byte) ('a' + i);
            }
            byte[] binary = new byte[len];
            for (int i = 0; i < len; i++) {
                binary[i] = (byte) (0xF0 + i);
            }
            // the value sits in a larger array, as in the decoder's shared one
            byte[] shared = new byte[len + 10];
            System.arraycopy(binary, 0, shared, 3, len);
            Both b = new Both(3);
            b.writer.writeString(0, StringData.fromBytes(text));
            b.writer.writeBinary(1, binary);
            b.writer.writeString(
                    2, StringData.fromString(new String(text, StandardCharsets.UTF_8)));
            b.varLength = 3 * BinaryRowBuilder.varLength(len);
            b.assertEqual(
                    () -> {
                        b.builder.writeBytes(0, text, 0, len);
                        b.builder.writeBytes(1, shared, 3, len);
                        b.builder.writeBytes(2, text, 0, len);
                    });
        }
    }

    @Test
    void wideDecimalsAndTimestamps() {
        String[] decimals = {
            "0",
            "1",
            "-1",
            "127",
            "-128",
            "255",
            "12345678901234567890123456",
            "-99999999999999999999999999999999999999",
            "99999999999999999999999999999999999999"
        };
        for (String text : decimals) {
            BigDecimal value = new BigDecimal(text);
            DecimalData d = DecimalData.fromBigDecimal(value, 38, 0);
            TimestampData t = TimestampData.fromEpochMillis(-1_234_567L, 999_999);
            Both b = new Both(5);
            b.writer.writeDecimal(0, d, 38);
            b.writer.writeTimestamp(1, t, 9);
            b.writer.writeDecimal(2, DecimalData.fromUnscaledLong(-5, 18, 2), 18);
            b.writer.writeTimestamp(3, TimestampData.fromEpochMillis(77L), 3);
            b.writer.setNullAt(4); // a NULL wide decimal, as RowDataSerializer writes it
            b.varLength =
                    BinaryRowBuilder.WIDE_DECIMAL_LENGTH + BinaryRowBuilder.WIDE_TIMESTAMP_LENGTH;
            b.assertEqual(
                    () -> {
                        b.builder.writeWideDecimal(0, d.toUnscaledBytes());
                        b.builder.writeWideTimestamp(1, -1_234_567L, 999_999);
                        b.builder.writeLong(2, -5);
                        b.builder.writeLong(3, 77L);
                        b.builder.setNull(4);
                    });
            BinaryRowData row = b.expected;
            assertThat(row.getDecimal(0, 38, 0)).isEqualTo(d);
        }
    }

    @Test
    void randomRows() {
        Random random = new Random(18);
        for (int round = 0; round < 2_000; round++) {
            int arity = 1 + random.nextInt(70);
            int[] kinds = new int[arity];
            Object[] values = new Object[arity];
            Both b = new Both(arity);
            for (int i = 0; i < arity; i++) {
                kinds[i] = random.nextInt(6);
                if (random.nextInt(5) == 0) {
                    b.writer.setNullAt(i);
                    continue;
                }
                switch (kinds[i]) {
                    case 0 -> {
                        long v = random.nextLong();
                        values[i] = v;
                        b.writer.writeLong(i, v);
                    }
                    case 1 -> {
                        int v = random.nextInt();
                        values[i] = v;
                        b.writer.writeInt(i, v);
                    }
                    case 2 -> {
                        byte[] v = new byte[random.nextInt(random.nextBoolean() ? 9 : 100)];
                        random.nextBytes(v);
                        values[i] = v;
                        b.writer.writeBinary(i, v);
                        b.varLength += BinaryRowBuilder.varLength(v.length);
                    }
                    case 3 -> {
                        DecimalData v =
                                DecimalData.fromBigDecimal(
                                        new BigDecimal(new BigInteger(125, random), 5)
                                                .multiply(
                                                        BigDecimal.valueOf(random.nextInt(3) - 1)),
                                        38,
                                        5);
                        values[i] = v;
                        b.writer.writeDecimal(i, v, 38);
                        b.varLength += BinaryRowBuilder.WIDE_DECIMAL_LENGTH;
                    }
                    case 4 -> {
                        TimestampData v =
                                TimestampData.fromEpochMillis(
                                        random.nextLong() >> 20, random.nextInt(1_000_000));
                        values[i] = v;
                        b.writer.writeTimestamp(i, v, 9);
                        b.varLength += BinaryRowBuilder.WIDE_TIMESTAMP_LENGTH;
                    }
                    default -> {
                        boolean v = random.nextBoolean();
                        values[i] = v;
                        b.writer.writeBoolean(i, v);
                    }
                }
            }
            b.assertEqual(
                    () -> {
                        for (int i = 0; i < arity; i++) {
                            Object v = values[i];
                            if (v == null) {
                                b.builder.setNull(i);
                                continue;
                            }
                            switch (kinds[i]) {
                                case 0 -> b.builder.writeLong(i, (Long) v);
                                case 1 -> b.builder.writeInt(i, (Integer) v);
                                case 2 ->
                                        b.builder.writeBytes(i, (byte[]) v, 0, ((byte[]) v).length);
                                case 3 ->
                                        b.builder.writeWideDecimal(
                                                i, ((DecimalData) v).toUnscaledBytes());
                                case 4 ->
                                        b.builder.writeWideTimestamp(
                                                i,
                                                ((TimestampData) v).getMillisecond(),
                                                ((TimestampData) v).getNanoOfMillisecond());
                                default -> b.builder.writeBoolean(i, (Boolean) v);
                            }
                        }
                    });
        }
    }
}
