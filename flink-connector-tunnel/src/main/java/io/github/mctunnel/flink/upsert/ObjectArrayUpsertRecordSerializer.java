package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.codec.RecordFieldWriter;

import org.apache.flink.annotation.PublicEvolving;

/**
 * An {@link UpsertRecordSerializer} for code that has the change's values as an {@code Object[]} of
 * the codec's Java mapping (BIGINT {@code Long}, STRING {@code String} or {@code byte[]}, DECIMAL
 * {@code BigDecimal}, ...): implement {@link #serialize(Object, Object[])}, the serializer contract
 * of earlier versions, so such a serializer migrates by changing {@code implements
 * UpsertRecordSerializer<T>} into {@code extends ObjectArrayUpsertRecordSerializer<T>}.
 */
@PublicEvolving
public abstract class ObjectArrayUpsertRecordSerializer<IN> implements UpsertRecordSerializer<IN> {

    private static final long serialVersionUID = 1L;

    private transient Object[] reuse;

    /**
     * Writes the values of {@code element} for the opened columns into {@code reuse} (sized like
     * those columns) and returns it, or returns another array of that size. For a DELETE only the
     * primary-key values must be set. The value objects must not be changed afterwards: with
     * compaction the writer keeps them until the bucket's flush.
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
