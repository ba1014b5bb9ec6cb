package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.client.codec.RecordStreamReader;
import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.codec.ValuesRecordView;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TypeInfo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RowSizesTest {

    private static final List<Column> COLUMNS =
            List.of(
                    Column.of("id", "bigint"),
                    Column.of("name", "string"),
                    Column.of("raw", "binary"),
                    Column.of("amount", "decimal(10,2)"),
                    Column.of("day", "date"),
                    Column.of("missing", "string"),
                    Column.of("tags", "array<bigint>"));

    private static final Object[] ROW = {
        7L,
        "h\u00e9llo\uD83D\uDE00",
        new byte[] {1, 2, 3},
        new BigDecimal("1.50"),
        LocalDate.of(2024, 1, 1),
        null,
        List.of(1L, 2L)
    };

    /**
     * 120 + 7 x 8 slots + 16 (id) + 40 + 2 x 7 UTF-16 units (name: 5 characters and a surrogate
     * pair) + 16 + 3 (raw) + 64 (amount) + 24 (day) + 0 (NULL) + 24 + 2 x (8 + 16) (tags).
     */
    private static final long EXPECTED = 425;

    private static final TypeInfo[] TYPES =
            COLUMNS.stream().map(Column::type).toArray(TypeInfo[]::new);

    @Test
    void aDecodedRecordIsEstimatedFromItsBytes() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter w = new RecordStreamWriter(COLUMNS, out);
        w.write(ROW);
        w.finish();
        RecordView view =
                new RecordStreamReader(COLUMNS, new ByteArrayInputStream(out.toByteArray()), false)
                        .next();
        assertThat(RowSizes.estimate(view, TYPES)).isEqualTo(EXPECTED);
    }

    @Test
    void valuesInAViewAreEstimatedAlike() {
        assertThat(RowSizes.estimate(new ValuesRecordView(ROW), TYPES)).isEqualTo(EXPECTED);
    }

    @Test
    void utf16LengthCountsCharactersAndSurrogatePairs() {
        String text = "a\u00e9\u4e2d\uD83D\uDE00z";
        byte[] utf8 = ("xx" + text).getBytes(StandardCharsets.UTF_8);
        assertThat(RowSizes.utf16Length(utf8, 2, utf8.length - 2)).isEqualTo(text.length());
        assertThat(text.length()).isEqualTo(6);
    }
}
