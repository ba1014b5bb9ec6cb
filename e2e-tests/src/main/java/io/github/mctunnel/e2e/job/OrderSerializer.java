package io.github.mctunnel.e2e.job;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.sink.TunnelRecordSerializer;

/** Writes an {@link Order} as (order_id, customer, amount) plus the partition value ds. */
public final class OrderSerializer implements TunnelRecordSerializer<Order> {
    private static final long serialVersionUID = 1L;

    @Override
    public void open(TableSchema schema, boolean withPartitionValues) {
        if (!withPartitionValues
                || schema.columnCount() != 3
                || schema.partitionKeys().size() != 1) {
            throw new IllegalArgumentException(
                    "OrderSerializer writes (order_id, customer, amount) + ds, the table is "
                            + schema);
        }
    }

    @Override
    public void serialize(Order order, RecordFieldWriter record) {
        record.setBigint(0, order.orderId);
        record.setString(1, order.customer);
        record.setDecimal(2, order.amount);
        record.setString(3, order.ds);
    }
}
