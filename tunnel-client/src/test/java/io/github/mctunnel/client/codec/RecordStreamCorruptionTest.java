package io.github.mctunnel.client.codec;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.github.mctunnel.client.codec.RecordStreamVectorsTest.TWO_COLUMNS;
import static io.github.mctunnel.client.codec.RecordStreamVectorsTest.VECTOR_13_2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Corrupted streams are rejected with a message naming the record, never returned as data. */
class RecordStreamCorruptionTest {

    private static List<Object[]> readAll(byte[] body, boolean requireTrailer) throws IOException {
        RecordStreamReader r =
                new RecordStreamReader(
                        TWO_COLUMNS, new ByteArrayInputStream(body), false, requireTrailer);
        List<Object[]> rows = new ArrayList<>();
        Object[] row;
        while ((row = r.read()) != null) {
            rows.add(row);
        }
        return rows;
    }

    @Test
    void flippedPayloadByteFailsTheRecordChecksum() {
        byte[] body = Hex.bytes(VECTOR_13_2);
        body[4] ^= 0x01; // "hello" becomes "iello" in record 1
        assertThatThrownBy(() -> readAll(body, false))
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessage(
                        "Corrupt record stream in record 1: checksum mismatch: the record carries"
                                + " 0xAE26D63B but its content gives 0x"
                                + String.format("%08X", crcOfRecord1With("iello")));
    }

    private static int crcOfRecord1With(String text) {
        RecordChecksum crc = new RecordChecksum();
        crc.updateInt(1);
        crc.updateLong(1L);
        crc.updateInt(2);
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        crc.updateBytes(b, 0, b.length);
        return crc.value();
    }

    @Test
    void flippedValueInThirdRecordNamesRecord3() {
        byte[] body = Hex.bytes(VECTOR_13_2);
        body[24] = 0x07; // BIGINT -3 (zigzag 05) becomes -4
        assertThatThrownBy(() -> readAll(body, false))
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessageStartingWith("Corrupt record stream in record 3: checksum mismatch");
    }

    @Test
    void flippedByteInStreamChecksumFailsTheTrailer() {
        byte[] body = Hex.bytes(VECTOR_13_2);
        body[body.length - 2] ^= 0x10;
        assertThatThrownBy(() -> readAll(body, false))
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessageStartingWith(
                        "Corrupt record stream in the trailer after record 3: stream checksum"
                                + " mismatch");
    }

    @Test
    void wrongCountIsRejected() {
        byte[] body = Hex.bytes(VECTOR_13_2);
        int countByte = body.length - 10; // META_COUNT value 06 (3 records)
        assertThat(body[countByte]).isEqualTo((byte) 0x06);
        body[countByte] = 0x08;
        assertThatThrownBy(() -> readAll(body, false))
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessage(
                        "Corrupt record stream in the trailer after record 3: the trailer counts 4"
                                + " records but the stream has 3");
    }

    @Test
    void everyTruncationInsideARecordOrTrailerIsRejected() throws IOException {
        byte[] body = Hex.bytes(VECTOR_13_2);
        // Record boundaries: after record 1 (18 bytes), 2 (23), 3 (36); without trailer, the SDK
        // accepts those, so do we (unless the trailer is required).
        List<Integer> boundaries = List.of(0, 18, 23, 36);
        for (int len = 0; len < body.length; len++) {
            byte[] cut = Arrays.copyOf(body, len);
            if (boundaries.contains(len)) {
                assertThat(readAll(cut, false)).hasSize(boundaries.indexOf(len));
                final int n = len;
                assertThatThrownBy(() -> readAll(cut, true))
                        .as("cut at %d", n)
                        .isInstanceOf(CorruptRecordStreamException.class)
                        .hasMessageContaining("without the trailer");
            } else {
                final int n = len;
                assertThatThrownBy(() -> readAll(cut, false))
                        .as("cut at %d", n)
                        .isInstanceOf(CorruptRecordStreamException.class)
                        .hasMessageMatching(
                                "Corrupt record stream in (record [1-4]|the trailer after record"
                                        + " 3): .*");
            }
        }
    }

    @Test
    void truncationInsideAValueNamesTheRecord() {
        byte[] cut = Arrays.copyOf(Hex.bytes(VECTOR_13_2), 28); // inside record 3's END_RECORD
        assertThatThrownBy(() -> readAll(cut, false))
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessage(
                        "Corrupt record stream in record 3: the stream is truncated: stream ends"
                                + " inside a value");
    }

    @Test
    void bytesAfterTheTrailerAreRejected() {
        byte[] body = Arrays.copyOf(Hex.bytes(VECTOR_13_2), Hex.bytes(VECTOR_13_2).length + 1);
        assertThatThrownBy(() -> readAll(body, false))
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessage(
                        "Corrupt record stream in the trailer after record 3: unexpected bytes"
                                + " after the trailer");
    }

    @Test
    void unknownFieldNumberIsRejected() {
        byte[] body = Hex.bytes("18 02 80 c0 ff 7f 00"); // field 3 in a 2-column schema
        assertThatThrownBy(() -> readAll(body, false))
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessage(
                        "Corrupt record stream in record 1: unknown field number 3 (tag"
                                + " 0x00000018); the schema has 2 columns");
    }

    @Test
    void repeatedColumnIsRejected() {
        byte[] body = Hex.bytes("08 02 08 04 80 c0 ff 7f 00");
        assertThatThrownBy(() -> readAll(body, false))
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessage("Corrupt record stream in record 1: column 1 appears twice");
    }

    @Test
    void trailerInsideARecordIsRejected() {
        byte[] body = Hex.bytes("08 02 f0 ff ff 7f 00 f8 ff ff 7f 00");
        assertThatThrownBy(() -> readAll(body, false))
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessage(
                        "Corrupt record stream in record 1: the record has no end marker before"
                                + " the trailer");
    }

    @Test
    void trailerWithMetricsIsCheckedAndExposed() throws IOException {
        String json = "{\"a\":1}";
        RecordChecksum crc = new RecordChecksum();
        crc.updateInt(1);
        byte[] jb = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        crc.updateBytes(jb, 0, jb.length);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(Hex.bytes("80 c0 ff 7f 00 f0 ff ff 7f 02 0a 07"));
        out.write(jb);
        WireBuffer tail = new WireBuffer(32);
        tail.writeVarint32(RecordStreamTags.tag(RecordStreamTags.METRICS_END, 0));
        tail.writeVarint32(crc.value());
        RecordChecksum stream = new RecordChecksum();
        stream.updateInt(0);
        tail.writeVarint32(RecordStreamTags.META_CHECKSUM_TAG);
        tail.writeVarint32(stream.value());
        tail.writeTo(out);
        byte[] body = out.toByteArray();

        RecordStreamReader r =
                new RecordStreamReader(TWO_COLUMNS, new ByteArrayInputStream(body), false, true);
        assertThat(r.read()).containsExactly(null, null);
        assertThat(r.read()).isNull();
        assertThat(r.metricsJson()).isEqualTo(json);

        body[14] ^= 0x01; // inside the metrics JSON
        assertThatThrownBy(() -> readAll(body, false))
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessageStartingWith(
                        "Corrupt record stream in the trailer after record 1: metrics checksum"
                                + " mismatch");
    }

    @Test
    void badNullFlagIsRejected() {
        List<io.github.mctunnel.client.schema.Column> cols =
                List.of(io.github.mctunnel.client.schema.Column.of("a", "array<bigint>"));
        byte[] body = Hex.bytes("0a 01 02 02 80 c0 ff 7f 00");
        assertThatThrownBy(
                        () ->
                                new RecordStreamReader(cols, new ByteArrayInputStream(body), false)
                                        .read())
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessage("Corrupt record stream in record 1: null flag is 2, not 0 or 1");
    }

    @Test
    void anIntervalPastDurationsRangeIsACorruptRecordNotAnArithmeticFailure() throws IOException {
        List<io.github.mctunnel.client.schema.Column> cols =
                List.of(io.github.mctunnel.client.schema.Column.of("i", "interval_day_time"));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(cols, out);
        w.setIntervalDayTime(0, Long.MIN_VALUE, -1);
        w.endRecord();
        w.finish();
        RecordStreamReader r =
                new RecordStreamReader(
                        cols, new ByteArrayInputStream(out.toByteArray()), false, true);
        assertThatThrownBy(r::next)
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessageContaining("record 1")
                .hasMessageContaining("INTERVAL_DAY_TIME");
    }

    /**
     * A DECIMAL is sent as its text; a text no DECIMAL has (too long to parse in reasonable time,
     * or an exponent that later rescaling could not handle) is a corrupt stream, not a value.
     */
    @Test
    void decimalTextsNoServiceWritesAreRefusedBeforeTheyCostMinutes() throws IOException {
        String longest = "-" + "9".repeat(108) + "." + "9".repeat(18);
        assertThat(longest).hasSize(RecordStreamReader.MAX_DECIMAL_TEXT);
        assertThat(readDecimals(longest, "12.500", "1E+5"))
                .containsExactly(
                        new java.math.BigDecimal(longest),
                        new java.math.BigDecimal("12.500"),
                        new java.math.BigDecimal("1E+5"));
        assertThatThrownBy(() -> readDecimals("12.5", "1" + "0".repeat(200)))
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessage(
                        "Corrupt record stream in record 2: a DECIMAL value of 201 bytes; no"
                                + " MaxCompute DECIMAL is written with more than 128");
        assertThatThrownBy(() -> readDecimals("1E-999999999"))
                .isInstanceOf(CorruptRecordStreamException.class)
                .hasMessage(
                        "Corrupt record stream in record 1: the DECIMAL value 1E-999999999 has"
                                + " scale 999999999; the service writes plain digits");
    }

    /** Writes the texts as STRING values (the same wire form) and reads them as DECIMALs. */
    private static List<Object> readDecimals(String... texts) throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        RecordStreamWriter w =
                new RecordStreamWriter(
                        List.of(io.github.mctunnel.client.schema.Column.of("d", "string")), body);
        for (String t : texts) {
            w.write(new Object[] {t});
        }
        w.finish();
        RecordStreamReader r =
                new RecordStreamReader(
                        List.of(io.github.mctunnel.client.schema.Column.of("d", "decimal(38,18)")),
                        new ByteArrayInputStream(body.toByteArray()),
                        false,
                        true);
        List<Object> values = new ArrayList<>();
        Object[] row;
        while ((row = r.read()) != null) {
            values.add(row[0]);
        }
        return values;
    }
}
