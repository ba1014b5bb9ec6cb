package io.github.mctunnel.benchmarks.flink.source;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.source.TunnelRecordDeserializer;

import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.util.List;

/**
 * Emits every column's value as the record codec decoded it, as the record's {@code Object[]}: the
 * least work a deserializer can do, so the benchmark measures the source's download and decoding.
 */
final class ValuesDeserializer implements TunnelRecordDeserializer<Object[]> {

    private static final long serialVersionUID = 1L;

    @Override
    public List<String> open(TableSchema schema) {
        return schema.columns().stream().map(Column::name).toList();
    }

    @Override
    public Object[] deserialize(Object[] values, PartitionSpec partition) {
        return values;
    }

    @Override
    public TypeInformation<Object[]> getProducedType() {
        return TypeInformation.of(Object[].class);
    }
}
