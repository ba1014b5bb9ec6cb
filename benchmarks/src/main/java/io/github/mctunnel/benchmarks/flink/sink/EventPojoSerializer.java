package io.github.mctunnel.benchmarks.flink.sink;

import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.sink.TunnelRecordSerializer;

/**
 * The DataStream path of a sink: a generated index picks one of the {@link EventPojo}s (built once
 * per writer and cycled), and a serializer as a user writes it (docs/datastream.md) copies its
 * fields into the record values: primitives boxed, strings as Java strings.
 */
final class EventPojoSerializer implements TunnelRecordSerializer<Long> {

    private static final long serialVersionUID = 1L;

    private transient EventPojo[] pojos;

    @Override
    public void open(TableSchema schema, boolean withPartitionValues) {
        pojos = EventPojo.generate(EventRowSerializer.DISTINCT_ROWS);
    }

    @Override
    public Object[] serialize(Long index, Object[] reuse) {
        EventPojo p = pojos[(int) (index % pojos.length)];
        reuse[0] = p.eventId;
        reuse[1] = p.userId;
        reuse[2] = p.eventType;
        reuse[3] = p.sessionId;
        reuse[4] = p.url;
        reuse[5] = p.userAgent;
        reuse[6] = p.country;
        reuse[7] = p.amount;
        reuse[8] = p.price;
        reuse[9] = p.quantity;
        reuse[10] = p.discount;
        reuse[11] = p.mobile;
        reuse[12] = p.eventTime;
        reuse[13] = p.eventDate;
        reuse[14] = p.createdAt;
        reuse[15] = p.referrer;
        return reuse;
    }
}
