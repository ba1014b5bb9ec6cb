package io.github.mctunnel.flink.docs.samples;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/** The element type of the POJO samples: a row of table {@code orders}. */
public class Order {

    public long orderId;
    public long userId;
    public BigDecimal amount;
    public Instant createdAt;
    public String ds;

    public Order() {}

    public Order(long orderId, long userId, BigDecimal amount, Instant createdAt, String ds) {
        this.orderId = orderId;
        this.userId = userId;
        this.amount = amount;
        this.createdAt = createdAt;
        this.ds = ds;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Order)) {
            return false;
        }
        Order other = (Order) o;
        return orderId == other.orderId
                && userId == other.userId
                && Objects.equals(amount, other.amount)
                && Objects.equals(createdAt, other.createdAt)
                && Objects.equals(ds, other.ds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(orderId, userId, amount, createdAt, ds);
    }

    @Override
    public String toString() {
        return "Order{" + orderId + ", " + userId + ", " + amount + ", " + createdAt + ", " + ds
                + "}";
    }
}
