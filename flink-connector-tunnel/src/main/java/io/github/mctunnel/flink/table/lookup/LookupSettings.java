package io.github.mctunnel.flink.table.lookup;

import io.github.mctunnel.flink.table.PartitionPattern;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.source.lookup.LookupOptions;
import org.apache.flink.table.connector.source.lookup.cache.DefaultLookupCache;
import org.apache.flink.table.connector.source.lookup.cache.LookupCache;
import org.apache.flink.table.connector.source.lookup.cache.trigger.CacheReloadTrigger;
import org.apache.flink.table.connector.source.lookup.cache.trigger.PeriodicCacheReloadTrigger;
import org.apache.flink.table.connector.source.lookup.cache.trigger.TimedCacheReloadTrigger;

import java.io.Serializable;
import java.time.Duration;
import java.util.regex.Pattern;

import static io.github.mctunnel.flink.table.lookup.MaxComputeLookupOptions.LOOKUP_MAX_BYTES;
import static io.github.mctunnel.flink.table.lookup.MaxComputeLookupOptions.LOOKUP_MAX_RETRIES;
import static io.github.mctunnel.flink.table.lookup.MaxComputeLookupOptions.LOOKUP_MAX_ROWS;
import static io.github.mctunnel.flink.table.lookup.MaxComputeLookupOptions.LOOKUP_PARTITION;
import static io.github.mctunnel.flink.table.lookup.MaxComputeLookupOptions.LOOKUP_RELOAD_INTERVAL;
import static io.github.mctunnel.flink.table.lookup.MaxComputeLookupOptions.LOOKUP_SESSION_BUDGET;
import static io.github.mctunnel.flink.table.lookup.MaxComputeLookupOptions.MAX_PT;

/**
 * The lookup options of a {@code maxcompute} table, read and checked by the table factory.
 *
 * @param latestPartition whether lookups read the latest partition only ({@code max_pt})
 * @param partitionOption the {@code lookup.partition} option as given, or null
 * @param partitions the partitions lookups read, or null for all (or the latest)
 * @param maxRows most rows held in memory
 * @param maxBytes most bytes the rows may take in memory (an estimate)
 * @param sessionBudget download sessions all tasks together may create per 5 minutes
 * @param reloadInterval snapshot age after which a lookup reloads (cache NONE and PARTIAL)
 * @param maxRetries how many times a failed load is tried again ({@code lookup.max-retries})
 * @param options the table's options, for Flink's cache settings
 */
public record LookupSettings(
        boolean latestPartition,
        String partitionOption,
        PartitionPattern partitions,
        long maxRows,
        MemorySize maxBytes,
        int sessionBudget,
        Duration reloadInterval,
        int maxRetries,
        Configuration options)
        implements Serializable {

    /** A function call, such as the vendor's {@code max_two_pt()}. */
    private static final Pattern FUNCTION = Pattern.compile("\\s*[A-Za-z_]+\\s*\\(.*\\)\\s*");

    /**
     * Defaults: all partitions, at most 1,000,000 rows and 128 MB, 100 download sessions per 5
     * minutes, reload hourly, no cache.
     */
    public static LookupSettings defaults() {
        return from(new Configuration());
    }

    /**
     * @throws ValidationException naming the invalid option
     */
    public static LookupSettings from(ReadableConfig options) {
        String partition = options.getOptional(LOOKUP_PARTITION).orElse(null);
        boolean latest =
                partition != null
                        && (partition.trim().equalsIgnoreCase(MAX_PT)
                                || partition.replace(" ", "").equalsIgnoreCase(MAX_PT + "()"));
        PartitionPattern pattern = null;
        if (partition != null && !latest) {
            if (FUNCTION.matcher(partition).matches()) {
                throw new ValidationException(
                        "Option '"
                                + LOOKUP_PARTITION.key()
                                + "': of MaxCompute's partition functions only 'max_pt()' (the"
                                + " latest partition) is supported, got '"
                                + partition
                                + "'; or give partition specs with '*' wildcards");
            }
            pattern = PartitionPattern.parse(partition, LOOKUP_PARTITION.key());
        }
        long maxRows = options.get(LOOKUP_MAX_ROWS);
        if (maxRows < 1) {
            throw new ValidationException(
                    "Option '" + LOOKUP_MAX_ROWS.key() + "' must be at least 1, got " + maxRows);
        }
        MemorySize maxBytes = options.get(LOOKUP_MAX_BYTES);
        if (maxBytes.getBytes() < 1) {
            throw new ValidationException(
                    "Option '" + LOOKUP_MAX_BYTES.key() + "' must be at least 1 byte, got 0");
        }
        int sessionBudget = options.get(LOOKUP_SESSION_BUDGET);
        if (sessionBudget < 1) {
            throw new ValidationException(
                    "Option '"
                            + LOOKUP_SESSION_BUDGET.key()
                            + "' must be at least 1, got "
                            + sessionBudget);
        }
        Duration reload = options.get(LOOKUP_RELOAD_INTERVAL);
        if (reload.isZero() || reload.isNegative()) {
            throw new ValidationException(
                    "Option '"
                            + LOOKUP_RELOAD_INTERVAL.key()
                            + "' must be positive, got "
                            + reload);
        }
        int maxRetries = options.get(LOOKUP_MAX_RETRIES);
        if (maxRetries < 0) {
            throw new ValidationException(
                    "Option '"
                            + LOOKUP_MAX_RETRIES.key()
                            + "' must be 0 (no retries) or more, got "
                            + maxRetries);
        }
        Configuration copy = new Configuration();
        for (var option : MaxComputeLookupOptions.all()) {
            copyOption(options, copy, option);
        }
        return new LookupSettings(
                latest,
                partition,
                pattern,
                maxRows,
                maxBytes,
                sessionBudget,
                reload,
                maxRetries,
                copy);
    }

    private static <T> void copyOption(
            ReadableConfig from,
            Configuration to,
            org.apache.flink.configuration.ConfigOption<T> option) {
        from.getOptional(option).ifPresent(v -> to.set(option, v));
    }

    public LookupOptions.LookupCacheType cacheType() {
        return options.get(LookupOptions.CACHE_TYPE);
    }

    /** Flink's partial cache per the {@code lookup.partial-cache.*} options. */
    public LookupCache partialCache() {
        return DefaultLookupCache.fromConfig(options);
    }

    /**
     * Flink's full-cache reload trigger per the {@code lookup.full-cache.*} options; periodic
     * reloads default to {@code lookup.reload-interval}.
     */
    public CacheReloadTrigger fullCacheReloadTrigger() {
        if (options.get(LookupOptions.FULL_CACHE_RELOAD_STRATEGY)
                == LookupOptions.ReloadStrategy.TIMED) {
            return TimedCacheReloadTrigger.fromConfig(options);
        }
        return new PeriodicCacheReloadTrigger(
                options.getOptional(LookupOptions.FULL_CACHE_PERIODIC_RELOAD_INTERVAL)
                        .orElse(reloadInterval),
                options.get(LookupOptions.FULL_CACHE_PERIODIC_RELOAD_SCHEDULE_MODE));
    }
}
