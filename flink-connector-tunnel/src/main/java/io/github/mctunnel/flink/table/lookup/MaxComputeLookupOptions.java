package io.github.mctunnel.flink.table.lookup;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.table.connector.source.lookup.LookupOptions;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Options of a {@code maxcompute} table used as a lookup (dimension) table, besides Flink's
 * standard {@code lookup.cache} options ({@link LookupOptions}). The table (or the selected
 * partitions) is read into memory and lookups are answered from there: with {@code 'lookup.cache' =
 * 'FULL'} by Flink's full cache (reloaded per {@code lookup.full-cache.periodic-reload.*}),
 * otherwise by the connector's own snapshot, reloaded every {@code lookup.reload-interval}.
 */
@PublicEvolving
public final class MaxComputeLookupOptions {

    private MaxComputeLookupOptions() {}

    /** The partition value selecting the latest partition, like MaxCompute's {@code max_pt()}. */
    public static final String MAX_PT = "max_pt";

    public static final ConfigOption<String> LOOKUP_PARTITION =
            ConfigOptions.key("lookup.partition")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The partitions a lookup reads: 'max_pt' (or 'max_pt()') for the"
                                    + " latest partition like MaxCompute's max_pt(): the greatest"
                                    + " value of the first partition key that has rows, with all"
                                    + " its sub-partitions, chosen again at every reload; or"
                                    + " partition specs with wildcards like the 'partition' option"
                                    + " (e.g. 'ds=2026*'). Default: all.");

    public static final ConfigOption<Long> LOOKUP_MAX_ROWS =
            ConfigOptions.key("lookup.max-rows")
                    .longType()
                    .defaultValue(1_000_000L)
                    .withDescription(
                            "Most rows a lookup table may hold in memory (per task); loading a"
                                    + " larger table or partition fails naming both numbers.");

    public static final ConfigOption<MemorySize> LOOKUP_MAX_BYTES =
            ConfigOptions.key("lookup.max-bytes")
                    .memoryType()
                    .defaultValue(MemorySize.ofMebiBytes(128))
                    .withDescription(
                            "Most memory the rows of a lookup table may take (per task), as"
                                    + " estimated while they are loaded (about 120 bytes per row,"
                                    + " 8 per field and the size of each value, strings at 2 bytes"
                                    + " per character); a load that goes beyond fails naming the"
                                    + " table, the partition and this option. A reload holds the"
                                    + " previous rows until it completes: plan twice this in task"
                                    + " memory.");

    public static final ConfigOption<Integer> LOOKUP_SESSION_BUDGET =
            ConfigOptions.key("lookup.session-budget")
                    .intType()
                    .defaultValue(100)
                    .withDescription(
                            "Download sessions the loads of this lookup table may create per 5"
                                    + " minutes, all parallel tasks together (the service allows"
                                    + " 200 per table per 5 minutes; the default leaves half to"
                                    + " other readers of the table). Each task paces itself to an"
                                    + " equal share (at least one session per 5 minutes x tasks /"
                                    + " budget); a load that needs more sessions waits, while"
                                    + " lookups are answered from the previous rows. With"
                                    + " 'lookup.cache' = 'FULL' the share is not known and the"
                                    + " budget applies per TaskManager.");

    public static final ConfigOption<Duration> LOOKUP_RELOAD_INTERVAL =
            ConfigOptions.key("lookup.reload-interval")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "With 'lookup.cache' NONE or PARTIAL: how old the in-memory snapshot"
                                    + " may get before the next lookup starts a reload, which runs"
                                    + " on a separate thread while lookups are answered from the"
                                    + " current snapshot; with FULL, the default of"
                                    + " 'lookup.full-cache.periodic-reload.interval'.");

    /**
     * Flink's {@code lookup.max-retries} key ({@link LookupOptions#MAX_RETRIES}), described as this
     * connector uses it.
     */
    public static final ConfigOption<Integer> LOOKUP_MAX_RETRIES =
            ConfigOptions.key(LookupOptions.MAX_RETRIES.key())
                    .intType()
                    .defaultValue(LookupOptions.MAX_RETRIES.defaultValue())
                    .withDescription(
                            "How many times a load of the lookup table (at start and at every"
                                    + " reload, with any 'lookup.cache') that failed is tried"
                                    + " again, after the service's back-off (1 s doubling to 32 s);"
                                    + " requests are retried by the client first, for up to"
                                    + " 'retry.max-duration'. A failed download is resumed at its"
                                    + " next row, a load whose table was modified meanwhile is"
                                    + " started again (with FULL only before its first row reached"
                                    + " Flink's cache). 0 tries once.");

    /** These options and Flink's standard lookup options, for a factory's optional options. */
    public static Set<ConfigOption<?>> all() {
        Set<ConfigOption<?>> options = new LinkedHashSet<>();
        options.add(LOOKUP_PARTITION);
        options.add(LOOKUP_MAX_ROWS);
        options.add(LOOKUP_MAX_BYTES);
        options.add(LOOKUP_SESSION_BUDGET);
        options.add(LOOKUP_RELOAD_INTERVAL);
        options.add(LookupOptions.CACHE_TYPE);
        options.add(LOOKUP_MAX_RETRIES);
        options.add(LookupOptions.PARTIAL_CACHE_EXPIRE_AFTER_ACCESS);
        options.add(LookupOptions.PARTIAL_CACHE_EXPIRE_AFTER_WRITE);
        options.add(LookupOptions.PARTIAL_CACHE_CACHE_MISSING_KEY);
        options.add(LookupOptions.PARTIAL_CACHE_MAX_ROWS);
        options.add(LookupOptions.FULL_CACHE_RELOAD_STRATEGY);
        options.add(LookupOptions.FULL_CACHE_PERIODIC_RELOAD_INTERVAL);
        options.add(LookupOptions.FULL_CACHE_PERIODIC_RELOAD_SCHEDULE_MODE);
        options.add(LookupOptions.FULL_CACHE_TIMED_RELOAD_ISO_TIME);
        options.add(LookupOptions.FULL_CACHE_TIMED_RELOAD_INTERVAL_IN_DAYS);
        return options;
    }
}
