package io.github.mctunnel.flink.sink;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.upsert.TunnelUpsertSink;
import io.github.mctunnel.flink.upsert.TunnelUpsertSinkBuilder;
import io.github.mctunnel.flink.upsert.UpsertRecordSerializer;

import org.apache.flink.types.RowKind;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The settings the three sinks share are validated once, with one message per sink name. */
class SinkBuilderFamilyTest {

    private static final TunnelConnectionOptions CONNECTION =
            TunnelConnectionOptions.builder()
                    .endpoint("http://127.0.0.1:1")
                    .project("p")
                    .accessKey("id", "secret")
                    .build();

    private static final TunnelRecordSerializer<Long> APPEND =
            (id, record) -> record.setBigint(0, id);

    private static final UpsertRecordSerializer<Long> UPSERT =
            new UpsertRecordSerializer<>() {
                @Override
                public RowKind kind(Long element) {
                    return RowKind.INSERT;
                }

                @Override
                public void serialize(
                        Long element, io.github.mctunnel.client.codec.RecordFieldWriter record) {
                    record.setBigint(0, element);
                }
            };

    private static List<String> names() {
        return List.of("TunnelSink", "TunnelExactlyOnceSink", "TunnelUpsertSink");
    }

    private static TunnelSinkBuilderBase<?, ?> builder(String name) {
        return switch (name) {
            case "TunnelSink" -> TunnelSink.<Long>builder().setSerializer(APPEND);
            case "TunnelExactlyOnceSink" ->
                    TunnelExactlyOnceSink.<Long>builder().setSerializer(APPEND);
            default -> upsert().setSerializer(UPSERT);
        };
    }

    private static TunnelUpsertSinkBuilder<Long> upsert() {
        return TunnelUpsertSink.<Long>builder()
                .setPrimaryKey(Column.of("id", "bigint"))
                .setBucketCount(4);
    }

    private static Object build(TunnelSinkBuilderBase<?, ?> b) {
        if (b instanceof TunnelSinkBuilder<?> s) {
            return s.build();
        }
        if (b instanceof TunnelExactlyOnceSinkBuilder<?> s) {
            return s.build();
        }
        return ((TunnelUpsertSinkBuilder<?>) b).build();
    }

    @Test
    void everySinkNamesTheSameMissingOrConflictingSettingTheSameWay() {
        for (String sink : names()) {
            assertThatThrownBy(() -> build(builder(sink).setTable("t")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(sink + " needs the connection settings (setConnection)");
            assertThatThrownBy(() -> build(builder(sink).setConnection(CONNECTION).setTable(" ")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(sink + " needs the table name (setTable)");
            assertThatThrownBy(
                            () ->
                                    build(
                                            builder(sink)
                                                    .setConnection(CONNECTION)
                                                    .setTable("t")
                                                    .setPartition("ds=1")
                                                    .setDynamicPartition()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            sink
                                    + ": setPartition('ds=1') and setDynamicPartition() exclude"
                                    + " each other");
            assertThatThrownBy(
                            () ->
                                    build(
                                            builder(sink)
                                                    .setConnection(CONNECTION)
                                                    .setTable("t")
                                                    .setDefaultPartition("ds=unknown")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            sink
                                    + ": setDefaultPartition('ds=unknown') needs"
                                    + " setDynamicPartition()");
            assertThatThrownBy(() -> builder(sink).setCompression(null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(sink + ": the compression must not be null");
            assertThatThrownBy(() -> builder(sink).setBadRecordPolicy(null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(sink + ": the bad record policy must not be null");
        }
    }

    @Test
    void aMissingSerializerSuggestsTheRowDataOne() {
        assertThatThrownBy(
                        () ->
                                TunnelSink.<Long>builder()
                                        .setConnection(CONNECTION)
                                        .setTable("t")
                                        .build())
                .hasMessage(
                        "TunnelSink needs a record serializer (setSerializer), e.g."
                                + " RowDataTunnelRecordSerializer for RowData");
        assertThatThrownBy(() -> upsert().setConnection(CONNECTION).setTable("t").build())
                .hasMessage(
                        "TunnelUpsertSink needs a record serializer (setSerializer), e.g."
                                + " RowDataUpsertRecordSerializer for RowData");
    }

    @Test
    void theSharedSettingsReachEverySink() {
        for (String sink : names()) {
            Object built =
                    build(
                            builder(sink)
                                    .setConnection(CONNECTION)
                                    .setTable(" t ")
                                    .setDynamicPartition()
                                    .setDefaultPartition("ds=unknown"));
            assertThat(built).as(sink).isNotNull();
        }
    }
}
