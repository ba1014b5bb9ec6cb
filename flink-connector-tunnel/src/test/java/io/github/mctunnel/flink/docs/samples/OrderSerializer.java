package io.github.mctunnel.flink.docs.samples;

import io.github.mctunnel.flink.sink.TunnelRecordSerializer;

// [START order-serializer]
/**
 * Writes an {@link Order} as the values of table {@code orders}: the data columns in table order
 * (order_id, user_id, amount, created_at) and, with dynamic partitions, the partition value (ds).
 */
public class OrderSerializer implements TunnelRecordSerializer<Order> {

    @Override
    public Object[] serialize(Order order, Object[] reuse) {
        reuse[0] = order.orderId; // BIGINT: Long
        reuse[1] = order.userId;
        reuse[2] = order.amount; // DECIMAL: BigDecimal
        reuse[3] = order.createdAt; // TIMESTAMP: Instant
        if (reuse.length > 4) {
            reuse[4] = order.ds; // partition key ds (only with setDynamicPartition())
        }
        return reuse;
    }
}
// [END order-serializer]
