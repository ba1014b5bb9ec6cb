package io.github.mctunnel.flink.docs.samples;

import java.math.BigDecimal;
import java.time.Instant;

// [START order-pojo]
/**
 * A row of table {@code orders}: a Flink POJO (public class, public no-argument constructor, public
 * fields), so Flink serializes it without Kryo.
 */
public class Order {

    public long orderId;
    public long userId;
    public BigDecimal amount;
    public Instant createdAt;
    public String ds; // the partition key

    public Order() {}

    public Order(long orderId, long userId, BigDecimal amount, Instant createdAt, String ds) {
        this.orderId = orderId;
        this.userId = userId;
        this.amount = amount;
        this.createdAt = createdAt;
        this.ds = ds;
    }
}
// [END order-pojo]
