package io.github.mctunnel.benchmarks.flink.sink;

import io.github.mctunnel.client.codec.RecordFieldWriter;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.sink.TunnelRecordSerializer;

/**
 * The DataStream path of a sink: a generated index picks one of the {@link EventPojo}s (built once
 * per writer and cycled), and a serializer as a user writes it (docs/datastream.md) copies its
 * fields into the record with the typed setters: nothing boxed, strings copied as UTF-8.
 */
final class EventPojoSerializer implements TunnelRecordSerializer<Long> {

    private static final long serialVersionUID = 1L;

    private transient EventPojo[] pojos;

    @Override
    public void open(TableSchema schema, boolean withPartitionValues) {
        pojos = EventPojo.generate(EventRowSerializer.DISTINCT_ROWS);
    }

    @Override
    public void serialize(Long index, RecordFieldWriter record) {
        EventPojo p = pojos[(int) (index % pojos.length)];
        record.setBigint(0, p.eventId);
        record.setBigint(1, p.userId);
        record.setString(2, p.eventType);
        record.setString(3, p.sessionId);
        record.setString(4, p.url);
        record.setString(5, p.userAgent);
        record.setString(6, p.country);
        record.setDecimal(7, p.amount);
        record.setDouble(8, p.price);
        record.setInt(9, p.quantity);
        record.setFloat(10, p.discount);
        record.setBoolean(11, p.mobile);
        record.setTimestamp(12, p.eventTime.getEpochSecond(), p.eventTime.getNano());
        record.setDate(13, p.eventDate.toEpochDay());
        record.setDatetime(14, p.createdAt.toEpochMilli());
        record.setString(15, p.referrer);
    }
}
