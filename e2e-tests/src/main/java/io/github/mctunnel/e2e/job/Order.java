package io.github.mctunnel.e2e.job;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * An order of the example jobs, a Flink POJO. {@link #of(long)} derives every field from the order
 * id, so a test knows the exact rows a job writes. Table: {@code (order_id BIGINT, customer STRING,
 * amount DECIMAL(12,2)) PARTITIONED BY (ds STRING)}.
 */
public final class Order {

    /** The two partitions the orders fall into, by order id parity. */
    public static final String[] DAYS = {"20261121", "20261122"};

    public long orderId;
    public String customer;
    public BigDecimal amount;
    public String ds;

    public Order() {}

    public Order(long orderId, String customer, BigDecimal amount, String ds) {
        this.orderId = orderId;
        this.customer = customer;
        this.amount = amount;
        this.ds = ds;
    }

    /** The order with this id. */
    public static Order of(long orderId) {
        return new Order(
                orderId,
                "customer-" + (orderId % 53) + "-\u00e9\u4e2d",
                BigDecimal.valueOf(orderId * 7919 % 10_000_000, 2),
                DAYS[(int) (orderId % 2)]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Order other
                && orderId == other.orderId
                && Objects.equals(customer, other.customer)
                && Objects.equals(amount, other.amount)
                && Objects.equals(ds, other.ds);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(orderId);
    }

    @Override
    public String toString() {
        return "Order(" + orderId + ", " + customer + ", " + amount + ", " + ds + ")";
    }
}
