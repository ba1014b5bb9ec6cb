package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.RowType;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TunnelSinkBuilderTest {

    private static final TunnelConnectionOptions CONNECTION =
            TunnelConnectionOptions.builder()
                    .endpoint("http://127.0.0.1:1/api")
                    .project("p")
                    .accessKey("id", "secret")
                    .build();

    private static TunnelSinkBuilder<RowData> valid() {
        return TunnelSink.<RowData>builder()
                .setConnection(CONNECTION)
                .setTable("events")
                .setSerializer(new RowDataTunnelRecordSerializer(RowType.of(new BigIntType())));
    }

    @Test
    void buildsWithDefaultsWithoutContactingTheService() {
        TunnelSink<RowData> sink = valid().setPartition("ds='20240101'").build();
        assertThat(sink.table()).isEqualTo("events");
        assertThat(sink.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(sink.staticPartition()).isEqualTo(PartitionSpec.parse("ds=20240101"));
        assertThat(sink.flushPolicy().maxRows()).isEqualTo(FlushPolicy.DEFAULT_MAX_ROWS);
        assertThat(sink.flushPolicy().intervalMillis()).isEqualTo(10_000);
        assertThat(valid().setDynamicPartition().build().staticPartition()).isNull();
    }

    @Test
    void rejectsMissingAndInvalidSettingsByName() {
        assertThatThrownBy(() -> TunnelSink.<RowData>builder().build())
                .hasMessage("TunnelSink needs the connection settings (setConnection)");
        assertThatThrownBy(() -> valid().setTable(" ").build())
                .hasMessage("TunnelSink needs the table name (setTable)");
        assertThatThrownBy(() -> valid().setSerializer(null).build())
                .hasMessageStartingWith("TunnelSink needs a record serializer (setSerializer)");
        assertThatThrownBy(() -> valid().setPartition("ds=1").setDynamicPartition().build())
                .hasMessage(
                        "TunnelSink: setPartition('ds=1') and setDynamicPartition() exclude each"
                                + " other");
        assertThatThrownBy(
                        () -> valid().setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).build())
                .hasMessage(
                        "TunnelSink: the stream tunnel sink supports AT_LEAST_ONCE and NONE; for"
                                + " EXACTLY_ONCE use TunnelExactlyOnceSink.builder() (regular tunnel)");
        assertThatThrownBy(() -> valid().setMaxOpenPartitions(65).build())
                .hasMessageStartingWith("TunnelSink: max open partitions must be in [1, 64]");
        assertThatThrownBy(() -> valid().setFlushMaxRows(0).build())
                .hasMessage("flush max rows must be at least 1, got 0");
        assertThatThrownBy(() -> valid().setFlushMaxBytes(10).build())
                .hasMessage("flush max bytes must be at least 1024, got 10");
        assertThatThrownBy(() -> valid().setFlushInterval(Duration.ofSeconds(-1)).build())
                .hasMessage("flush interval must be zero (no timer) or positive, got PT-1S");
    }

    @Test
    void routingAndBadRecordSettings() {
        TunnelSink<RowData> sink =
                valid().setDynamicPartition()
                        .setWritersPerPartition(2)
                        .setDefaultPartition("ds=unknown")
                        .setBadRecordPolicy(BadRecordPolicy.SKIP)
                        .build();
        assertThat(sink.writersPerPartition()).isEqualTo(2);
        assertThat(sink.defaultPartition()).isEqualTo(PartitionSpec.parse("ds=unknown"));
        assertThat(sink.badRecordPolicy()).isEqualTo(BadRecordPolicy.SKIP);
        TunnelSink<RowData> defaults = valid().build();
        assertThat(defaults.writersPerPartition()).isZero();
        assertThat(defaults.defaultPartition()).isNull();
        assertThat(defaults.badRecordPolicy()).isEqualTo(BadRecordPolicy.FAIL);

        assertThatThrownBy(() -> valid().setWritersPerPartition(0))
                .hasMessage("TunnelSink: writers per partition must be at least 1, got 0");
        assertThatThrownBy(() -> valid().setWritersPerPartition(33).build())
                .hasMessage(
                        "TunnelSink: writers per partition must be at most 32 (a partition has at"
                                + " most 32 stream slots, one per writer), got 33");
        assertThatThrownBy(() -> valid().setDefaultPartition("ds=x").build())
                .hasMessage("TunnelSink: setDefaultPartition('ds=x') needs setDynamicPartition()");
        assertThatThrownBy(() -> valid().setBadRecordPolicy(null))
                .hasMessage("TunnelSink: the bad record policy must not be null");
    }

    @Test
    void partitionBudgetSettings() {
        TunnelSink<RowData> defaults = valid().setDynamicPartition().build();
        assertThat(defaults.maxConcurrentPartitions()).isEqualTo(64);
        assertThat(defaults.partitionIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
        TunnelSink<RowData> set =
                valid().setDynamicPartition()
                        .setMaxConcurrentPartitions(16)
                        .setPartitionIdleTimeout(Duration.ZERO)
                        .build();
        assertThat(set.maxConcurrentPartitions()).isEqualTo(16);
        assertThat(set.partitionIdleTimeout()).isZero();
        assertThatThrownBy(() -> valid().setMaxConcurrentPartitions(65).build())
                .hasMessage(
                        "TunnelSink: max concurrent partitions must be in [1, 64] (the stream"
                                + " tunnel serves at most 64 partitions of a table), got 65");
        assertThatThrownBy(() -> valid().setMaxConcurrentPartitions(0).build())
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> valid().setPartitionIdleTimeout(Duration.ofSeconds(-1)).build())
                .hasMessage(
                        "TunnelSink: the partition idle timeout must be zero or positive, got"
                                + " PT-1S");
    }
}
