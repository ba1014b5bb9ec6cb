package io.github.mctunnel.flink.docs.samples;

import io.github.mctunnel.flink.sink.ObjectArrayRecordSerializer;

// [START legacy-order-serializer]
/** A serializer of earlier versions, migrated by extending the {@code Object[]} adapter. */
public class LegacyOrderSerializer extends ObjectArrayRecordSerializer<Order> {

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
// [END legacy-order-serializer]
