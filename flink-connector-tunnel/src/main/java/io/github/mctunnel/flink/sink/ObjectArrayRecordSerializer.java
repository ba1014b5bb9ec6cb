package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.codec.RecordFieldWriter;

import org.apache.flink.annotation.PublicEvolving;

/**
 * A {@link TunnelRecordSerializer} for code that has the record as an {@code Object[]} of the
 * codec's Java mapping (BIGINT {@code Long}, STRING {@code String} or {@code byte[]}, DECIMAL
 * {@code BigDecimal}, DATETIME {@code Instant}, ARRAY {@code List}, ... see {@code
 * RecordStreamWriter}): implement {@link #serialize(Object, Object[])}, which is the serializer
 * contract of earlier versions, so such a serializer migrates by changing {@code implements
 * TunnelRecordSerializer<T>} into {@code extends ObjectArrayRecordSerializer<T>}.
 *
 * <p>Each value is boxed and, for strings, encoded to UTF-8 per record; writing the fields with the
 * typed setters of {@link TunnelRecordSerializer#serialize(Object, RecordFieldWriter)} is faster.
 */
@PublicEvolving
public abstract class ObjectArrayRecordSerializer<IN> implements TunnelRecordSerializer<IN> {

    private static final long serialVersionUID = 1L;

    private transient Object[] reuse;

    /**
     * Writes the values of {@code element} into {@code reuse} (one per field of the record: data
     * columns in table order, then the partition keys when partition values are asked for) and
     * returns it, or returns another array of that size. The values are written before the next
     * element is serialized.
     */
    public abstract Object[] serialize(IN element, Object[] reuse);

    @Override
    public final void serialize(IN element, RecordFieldWriter record) {
        int n = record.fieldCount();
        if (reuse == null || reuse.length != n) {
            reuse = new Object[n];
        }
        record.setValues(serialize(element, reuse));
    }
}
