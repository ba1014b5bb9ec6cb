package io.github.mctunnel.flink.table.lookup;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
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
