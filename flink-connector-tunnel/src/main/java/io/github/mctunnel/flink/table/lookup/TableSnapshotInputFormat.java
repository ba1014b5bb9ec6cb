package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.flink.source.RowDataTunnelRecordDeserializer;
import io.github.mctunnel.flink.source.table.TableReadClientFactory;

import org.apache.flink.api.common.io.DefaultInputSplitAssigner;
import org.apache.flink.api.common.io.RichInputFormat;
import org.apache.flink.api.common.io.statistics.BaseStatistics;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.GenericInputSplit;
import org.apache.flink.core.io.InputSplit;
import org.apache.flink.core.io.InputSplitAssigner;
import org.apache.flink.table.data.RowData;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The whole lookup snapshot as one input split, for Flink's full lookup cache ({@code
 * 'lookup.cache' = 'FULL'}), which loads it at start and at every reload, on its own thread. One
 * split, so the row and byte bounds apply to the whole snapshot. Flink gives a full cache's loads
 * no task context, so their download sessions are paced per TaskManager: the loads of this table in
 * one TaskManager share {@code lookup.session-budget} per 5 minutes.
 *
 * <p>Failures are tried again per {@code lookup.max-retries} ({@link LoadAttempts}): opening the
 * snapshot (listing partitions, creating download sessions) and reading up to its first row start
 * again from the beginning; a download failing later is resumed at the next unread row of its
 * session. Rows already handed to Flink's cache cannot be taken back, so a download session that
 * became invalid after that (the table was modified while it was loaded) fails the load, and with
 * it Flink's cache reload (the job fails over and loads the table again).
 */
public final class TableSnapshotInputFormat extends RichInputFormat<RowData, InputSplit>
        implements ResultTypeQueryable<RowData> {

    private static final long serialVersionUID = 1L;

    private final TableReadClientFactory clientFactory;
    private final String tableName;
    private final RowDataTunnelRecordDeserializer deserializer;
    private final LookupSettings settings;
    private final TypeInformation<RowData> producedType;
    private final LoadRetryWait retryWait;

    /** Names this lookup table's session pacer, shared by its loads in a TaskManager. */
    private final String pacerKey = UUID.randomUUID().toString();

    private transient TableSnapshotReader reader;
    private transient RowData next;

    TableSnapshotInputFormat(
            TableReadClientFactory clientFactory,
            String tableName,
            RowDataTunnelRecordDeserializer deserializer,
            LookupSettings settings,
            TypeInformation<RowData> producedType,
            LoadRetryWait retryWait) {
        this.clientFactory = clientFactory;
        this.tableName = tableName;
        this.deserializer = deserializer;
        this.settings = settings;
        this.producedType = producedType;
        this.retryWait = retryWait;
    }

    @Override
    public void configure(Configuration parameters) {}

    @Override
    public BaseStatistics getStatistics(BaseStatistics cachedStatistics) {
        return cachedStatistics;
    }

    @Override
    public InputSplit[] createInputSplits(int minNumSplits) {
        return new InputSplit[] {new GenericInputSplit(0, 1)};
    }

    @Override
    public InputSplitAssigner getInputSplitAssigner(InputSplit[] inputSplits) {
        return new DefaultInputSplitAssigner(inputSplits);
    }

    @Override
    public void open(InputSplit split) throws IOException {
        LoadAttempts attempts =
                new LoadAttempts(
                        tableName,
                        settings.maxRetries(),
                        retryWait,
                        () -> ThreadLocalRandom.current().nextDouble());
        while (true) {
            try {
                LookupSessionPacer pacer =
                        LookupSessionPacer.shared(pacerKey, tableName, settings.sessionBudget());
                reader =
                        new TableSnapshotReader(
                                clientFactory,
                                tableName,
                                deserializer,
                                settings,
                                attempts,
                                () -> pacer.acquire(System::currentTimeMillis, retryWait));
                next = reader.next();
                return;
            } catch (IOException e) {
                close();
                attempts.retryAfter(e);
            }
        }
    }

    @Override
    public boolean reachedEnd() {
        return next == null;
    }

    @Override
    public RowData nextRecord(RowData reuse) throws IOException {
        RowData row = next;
        next = reader.next();
        return row;
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
