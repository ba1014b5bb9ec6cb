package io.github.mctunnel.flink.table;

import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.abilities.SupportsOverwrite;
import org.apache.flink.table.connector.sink.abilities.SupportsPartitioning;
import org.apache.flink.table.connector.source.LookupTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;

import java.util.Map;

/**
 * The source and sink of a table whose options the factory refuses without throwing (see {@link
 * VendorOptions}): the first thing the planner asks of it fails with the factory's message, so that
 * Flink does not wrap the failure in its list of the table's options and values. Nothing of it can
 * run.
 */
final class RejectedTable
        implements ScanTableSource,
                LookupTableSource,
                DynamicTableSink,
                SupportsPartitioning,
                SupportsOverwrite {

    private final String message;

    RejectedTable(String message) {
        this.message = message;
    }

    private ValidationException rejected() {
        return new ValidationException(message);
    }

    /** The message the planner gets, for tests. */
    String message() {
        return message;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        throw rejected();
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        throw rejected();
    }

    @Override
    public LookupRuntimeProvider getLookupRuntimeProvider(LookupContext context) {
        throw rejected();
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
        throw rejected();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(DynamicTableSink.Context context) {
        throw rejected();
    }

    @Override
    public void applyStaticPartition(Map<String, String> partition) {
        throw rejected();
    }

    @Override
    public boolean requiresPartitionGrouping(boolean supportsGrouping) {
        throw rejected();
    }

    @Override
    public void applyOverwrite(boolean overwrite) {
        throw rejected();
    }

    @Override
    public RejectedTable copy() {
        return this;
    }

    @Override
    public String asSummaryString() {
        return "MaxCompute[rejected options]";
    }
}
