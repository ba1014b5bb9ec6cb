package io.github.mctunnel.flink.docs.samples;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.flink.sink.TunnelRecordSerializer;

// [START order-serializer]
/**
 * Writes an {@link Order} into a record of table {@code orders}: the data columns in table order
 * (order_id, user_id, amount, created_at) and, with dynamic partitions, the partition value (ds).
 */
public class OrderSerializer implements TunnelRecordSerializer<Order> {

    @Override
    public void serialize(Order order, RecordFieldWriter record) {
        record.setBigint(0, order.orderId); // BIGINT
        record.setBigint(1, order.userId);
        record.setDecimal(2, order.amount); // DECIMAL(18,2): BigDecimal, or setDecimal(2, cents, 2)
        record.setTimestamp(3, order.createdAt.getEpochSecond(), order.createdAt.getNano());
        if (record.fieldCount() > 4) {
            record.setString(4, order.ds); // partition key ds (only with setDynamicPartition())
        }
    }
}
// [END order-serializer]
