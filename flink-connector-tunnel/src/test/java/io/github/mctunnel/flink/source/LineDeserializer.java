package io.github.mctunnel.flink.source;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import java.util.List;

/** Reads {@code (id BIGINT, name STRING)} rows as {@code "<ds>|id|name"}, for exact comparisons. */
final class LineDeserializer implements TunnelRecordDeserializer<String> {

    private static final long serialVersionUID = 1L;

    @Override
    public List<String> open(TableSchema schema) {
        return List.of("id", "name");
    }

    @Override
    public String deserialize(Object[] values, PartitionSpec partition) {
        String ds = partition.isEmpty() ? "" : partition.get("ds");
        return EmulatorTables.line(ds, (Long) values[0], (String) values[1]);
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }
}
