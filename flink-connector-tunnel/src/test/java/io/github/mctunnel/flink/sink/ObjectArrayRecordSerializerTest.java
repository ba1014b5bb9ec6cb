package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.docs.samples.LegacyOrderSerializer;
import io.github.mctunnel.flink.docs.samples.Order;
import io.github.mctunnel.flink.docs.samples.OrderSerializer;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectArrayRecordSerializerTest {

    private static final TableSchema ORDERS =
            new TableSchema(
                    List.of(
                            Column.of("order_id", "bigint"),
                            Column.of("user_id", "bigint"),
                            Column.of("amount", "decimal(18,2)"),
                            Column.of("created_at", "timestamp")),
                    List.of(Column.of("ds", "string")));

    private static byte[] encode(TunnelRecordSerializer<Order> serializer, List<Order> orders)
            throws IOException {
        serializer.open(ORDERS, true);
        List<Column> fields = new ArrayList<>(ORDERS.columns());
        fields.addAll(ORDERS.partitionKeys());
        StagedRecord record = new StagedRecord(fields);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordStreamWriter writer = new RecordStreamWriter(ORDERS.columns(), out);
        for (Order o : orders) {
            record.clear();
            serializer.serialize(o, record);
            assertThat(record.text(4)).isEqualTo(o.ds);
            record.writeTo(writer, ORDERS.columnCount());
        }
        writer.finish();
        return out.toByteArray();
    }

    @Test
    void aMigratedSerializerWritesTheSameRecordsAsItsTypedRewrite() throws IOException {
        List<Order> orders =
                List.of(
                        new Order(1, 7, new BigDecimal("12.50"), Instant.ofEpochSecond(5, 9), "d1"),
                        new Order(2, 8, new BigDecimal("-0.01"), Instant.ofEpochSecond(-1), "d2"),
                        new Order(3, 9, null, Instant.ofEpochSecond(0, 999_999_999), "d1"));
        assertThat(encode(new LegacyOrderSerializer(), orders))
                .isEqualTo(encode(new OrderSerializer(), orders));
    }

    @Test
    void anArrayOfTheWrongSizeIsABadRecordNamingBothSizes() {
        ObjectArrayRecordSerializer<Long> tooShort =
                new ObjectArrayRecordSerializer<>() {
                    @Override
                    public Object[] serialize(Long element, Object[] reuse) {
                        return new Object[] {element};
                    }
                };
        StagedRecord record = new StagedRecord(ORDERS.columns());
        assertThatThrownBy(() -> tooShort.serialize(1L, record))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The serializer gave 1 values, but the record has 4 fields");
    }
}
