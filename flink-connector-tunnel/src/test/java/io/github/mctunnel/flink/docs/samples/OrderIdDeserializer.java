package io.github.mctunnel.flink.docs.samples;

import io.github.mctunnel.client.codec.RecordView;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.flink.source.TunnelRecordDeserializer;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import java.util.List;

// [START view-deserializer]
/** Reads the order_id column of each record straight from the view: no Object[], no boxing. */
public class OrderIdDeserializer implements TunnelRecordDeserializer<Long> {

    @Override
    public List<String> open(TableSchema schema) {
        return List.of("order_id"); // the projection: only this column is downloaded
    }

    @Override
    public Long deserialize(RecordView record, PartitionSpec partition) {
        return record.isNull(0) ? -1L : record.getLong(0);
    }

    @Override
    public TypeInformation<Long> getProducedType() {
        return Types.LONG;
    }
}
// [END view-deserializer]
