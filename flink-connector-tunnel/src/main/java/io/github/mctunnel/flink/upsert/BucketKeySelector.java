package io.github.mctunnel.flink.upsert;

import io.github.mctunnel.client.codec.StagedRecord;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.upsert.BucketHasher;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The bucket of a changelog element: its primary-key values hashed exactly as the service does
 * ({@link BucketHasher}) over the declared bucket count.
 */
@Internal
public final class BucketKeySelector<IN> implements KeySelector<IN, Integer> {

    private static final long serialVersionUID = 1L;

    private final UpsertRecordSerializer<IN> serializer;
    private final UpsertKeyDeclaration key;
    private transient BucketHasher hasher;
    private transient StagedRecord record;
    private transient Object[] keyValues;

    public BucketKeySelector(UpsertRecordSerializer<IN> serializer, UpsertKeyDeclaration key) {
        this.serializer = serializer;
        this.key = key;
    }

    @Override
    public Integer getKey(IN element) {
        if (hasher == null) {
            hasher = key.newHasher();
            serializer.open(TableSchema.of(key.keyColumns()));
            record = new StagedRecord(key.keyColumns());
            keyValues = new Object[hasher.keyCount()];
        }
        record.clear();
        serializer.serialize(element, record);
        record.values(keyValues);
        return hasher.bucket(keyValues);
    }
}
