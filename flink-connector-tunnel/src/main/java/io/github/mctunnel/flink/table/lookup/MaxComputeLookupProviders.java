package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.DownloadSession;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;
import io.github.mctunnel.flink.source.RowDataTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;
import io.github.mctunnel.flink.source.table.TunnelTableReadClientFactory;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.connector.source.InputFormatProvider;
import org.apache.flink.table.connector.source.LookupTableSource.LookupRuntimeProvider;
import org.apache.flink.table.connector.source.lookup.FullCachingLookupProvider;
import org.apache.flink.table.connector.source.lookup.LookupFunctionProvider;
import org.apache.flink.table.connector.source.lookup.PartialCachingLookupProvider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

import java.time.Clock;
import java.time.ZoneId;

/**
 * The lookup runtime of a {@code maxcompute} table per {@code 'lookup.cache'}: FULL loads the
 * snapshot into Flink's full cache (reloaded by its trigger); PARTIAL puts Flink's partial cache in
 * front of the connector's snapshot lookup; NONE uses the snapshot lookup alone. Either way the
 * table is reloaded off the task thread, and a failed load is tried again per {@code
 * lookup.max-retries}.
 */
public final class MaxComputeLookupProviders {

    private MaxComputeLookupProviders() {}

    /**
     * @param rowType the produced row (projected)
     * @param typeInfo the produced row's type information
     * @param keyIndices positions of the lookup keys in {@code rowType}
     * @param timeZone the session time zone, for {@code TIMESTAMP} columns of {@code DATETIME} and
     *     {@code TIMESTAMP} columns
     */
    public static LookupRuntimeProvider create(
            TunnelConnectionOptions connection,
            String schema,
            String table,
            Compression compression,
            RowType rowType,
            TypeInformation<RowData> typeInfo,
            int[] keyIndices,
            ZoneId timeZone,
            LookupSettings settings) {
        TableReadClientFactory clientFactory =
                new TunnelTableReadClientFactory(
                        connection,
                        schema,
                        table,
                        compression,
                        DownloadSession.DEFAULT_ROWS_PER_REQUEST);
        String tableName = new TableIdentifier(connection.project(), schema, table).toString();
        RowDataTunnelRecordDeserializer deserializer =
                new RowDataTunnelRecordDeserializer(
                        rowType, TypeInformation.of(RowData.class), timeZone);
        switch (settings.cacheType()) {
            case FULL:
                return FullCachingLookupProvider.of(
                        InputFormatProvider.of(
                                new TableSnapshotInputFormat(
                                        clientFactory,
                                        tableName,
                                        deserializer,
                                        settings,
                                        typeInfo,
                                        LoadRetryWait.SLEEP)),
                        settings.fullCacheReloadTrigger());
            case PARTIAL:
                return PartialCachingLookupProvider.of(
                        lookupFunction(
                                clientFactory,
                                tableName,
                                deserializer,
                                settings,
                                rowType,
                                keyIndices),
                        settings.partialCache());
            default:
                return LookupFunctionProvider.of(
                        lookupFunction(
                                clientFactory,
                                tableName,
                                deserializer,
                                settings,
                                rowType,
                                keyIndices));
        }
    }

    private static SnapshotLookupFunction lookupFunction(
            TableReadClientFactory clientFactory,
            String tableName,
            RowDataTunnelRecordDeserializer deserializer,
            LookupSettings settings,
            RowType rowType,
            int[] keyIndices) {
        return new SnapshotLookupFunction(
                clientFactory,
                tableName,
                deserializer,
                settings,
                rowType,
                keyIndices,
                Clock.systemUTC(),
                LoadRetryWait.SLEEP);
    }
}
