package io.github.mctunnel.benchmarks.flink.source;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.source.TunnelRecordDeserializer;

import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.io.IOException;
import java.util.List;

/**
 * Hands a deserializer every record as the codec's boxed {@code Object[]} values, by implementing
 * only the {@code Object[]} method: how every deserializer read records before issue 18, kept as
 * the source benchmark's "before" path in the same run.
 */
final class ViaValuesDeserializer<T> implements TunnelRecordDeserializer<T> {

    private static final long serialVersionUID = 1L;

    private final TunnelRecordDeserializer<T> delegate;

    ViaValuesDeserializer(TunnelRecordDeserializer<T> delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<String> open(TableSchema schema) {
        return delegate.open(schema);
    }

    @Override
    public T deserialize(Object[] values, PartitionSpec partition) throws IOException {
        return delegate.deserialize(values, partition);
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return delegate.getProducedType();
    }
}
