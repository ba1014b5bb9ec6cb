package io.github.mctunnel.benchmarks.flink.sink;

import io.github.mctunnel.benchmarks.data.EventRows;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/** An {@link EventRows} row as a DataStream user's POJO holds it (Java strings, boxed nothing). */
public final class EventPojo {
    public long eventId;
    public long userId;
    public String eventType;
    public String sessionId;
    public String url;
    public String userAgent;
    public String country;
    public BigDecimal amount;
    public double price;
    public int quantity;
    public float discount;
    public boolean mobile;
    public Instant eventTime;
    public LocalDate eventDate;
    public Instant createdAt;
    public String referrer;

    /** The POJOs of {@code EventRows.generate(size, 1, 1)}. */
    static EventPojo[] generate(int size) {
        EventRows source = EventRows.generate(size, 1, 1);
        EventPojo[] pojos = new EventPojo[size];
        for (int i = 0; i < size; i++) {
            Object[] v = source.row(i);
            EventPojo p = new EventPojo();
            p.eventId = (Long) v[0];
            p.userId = (Long) v[1];
            p.eventType = (String) v[2];
            p.sessionId = (String) v[3];
            p.url = (String) v[4];
            p.userAgent = (String) v[5];
            p.country = (String) v[6];
            p.amount = (BigDecimal) v[7];
            p.price = (Double) v[8];
            p.quantity = (Integer) v[9];
            p.discount = (Float) v[10];
            p.mobile = (Boolean) v[11];
            p.eventTime = (Instant) v[12];
            p.eventDate = (LocalDate) v[13];
            p.createdAt = (Instant) v[14];
            p.referrer = (String) v[15];
            pojos[i] = p;
        }
        return pojos;
    }
}
