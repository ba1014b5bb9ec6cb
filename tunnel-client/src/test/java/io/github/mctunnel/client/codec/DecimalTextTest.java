package io.github.mctunnel.client.codec;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TypeInfo;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The compact DECIMAL parse gives exactly what {@code new BigDecimal(text)} gives, or declines. */
class DecimalTextTest {

    private final DecodedRecord record =
            new DecodedRecord(new Column[] {Column.of("d", TypeInfo.decimal(38, 18))}, false);

    @Test
    void compactTextsParseToBigDecimalsUnscaledValueAndScale() {
        String[] texts = {
            "0",
            "-0",
            "+5",
            "-0.00",
            "1.50",
            ".5",
            "5.",
            "-.25",
            "007.10",
            "123456789012345678",
            "-12345678901234567.8",
            "0.000000000000000001"
        };
        for (String text : texts) {
            record.clear();
            assertThat(parse(text)).as(text).isTrue();
            BigDecimal expected = new BigDecimal(text);
            assertThat(record.getUnscaledLong(0))
                    .as(text)
                    .isEqualTo(expected.unscaledValue().longValueExact());
            assertThat(record.getDecimalScale(0)).as(text).isEqualTo(expected.scale());
            assertThat(record.getDecimal(0)).as(text).isEqualTo(expected);
        }
    }

    @Test
    void otherTextsAreLeftToBigDecimal() {
        String[] texts = {
            "1234567890123456789",
            "1E+3",
            "1e3",
            "inf",
            "nan",
            "-inf",
            ".",
            "",
            "+",
            "1.2.3",
            "1 ",
            "\u0661\u0662",
            "--1"
        };
        for (String text : texts) {
            record.clear();
            assertThat(parse(text)).as(text).isFalse();
            assertThat(record.isNull(0)).as(text).isTrue();
        }
    }

    private boolean parse(String text) {
        byte[] bytes = ("xx" + text).getBytes(StandardCharsets.UTF_8);
        return DecimalText.parseCompact(bytes, 2, bytes.length - 2, record, 0);
    }
}
