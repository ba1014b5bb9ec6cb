package io.github.mctunnel.flink.table;

import io.github.mctunnel.flink.table.lookup.MaxComputeLookupOptions;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.GlobalConfiguration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Recognises the options of the vendor's closed {@code 'connector' = 'odps'} connector (Alibaba
 * Cloud Realtime Compute, VVR) and other misspelled keys among a {@code maxcompute} table's
 * options, and says which option to use instead. Keys are recognised case-insensitively; the
 * answers never contain an option's value.
 *
 * <p>Why the table factory does not simply throw: when a factory throws, Flink's {@code
 * FactoryUtil} wraps the exception in one that lists every option of the table with its value,
 * masking only keys that contain {@code secret}, {@code password}, {@code token} and a few more
 * ({@link GlobalConfiguration#isSensitive}). The vendor's {@code accessKey} is none of them, so its
 * value, the AccessKey secret, would be printed. A table with such options is therefore created as
 * a {@link RejectedTable}, which fails when the statement is planned, with these hints and without
 * the option list.
 */
@Internal
public final class VendorOptions {

    private VendorOptions() {}

    /** See docs/migrating-from-vvr.md. */
    static final String MIGRATION_PAGE = "docs/migrating-from-vvr.md";

    private static final Pattern MAX_PT = Pattern.compile("(?i)\\s*max_pt\\s*(\\(\\s*\\))?\\s*");

    private static final Pattern OTHER_PARTITION_FUNCTION =
            Pattern.compile("(?i)\\s*[a-z_]+\\s*\\(.*\\)\\s*");

    private static final String NO_COUNTERPART = "has no counterpart in this connector; remove it";

    private static final String UPSERT_HINT =
            "remove it: declare PRIMARY KEY (...) NOT ENFORCED on the Flink table (the Delta"
                    + " table's key) and its changes are written through upsert sessions";

    /** Lower-case vendor key to the advice after "Option 'key': ". */
    private static final Map<String, String> HINTS = new LinkedHashMap<>();

    /** Lower-case key prefixes of vendor options without a counterpart. */
    private static final List<String> NO_COUNTERPART_PREFIXES =
            List.of("upsert.", "insert.", "sink.file-cached.");

    /** Keys holding an AccessKey secret that Flink does not mask when it prints options. */
    private static final Set<String> UNMASKED_SECRET_KEYS = Set.of("accesskey", "access-key");

    static {
        // connection
        hint("accessId", use(MaxComputeConnectorOptions.ACCESS_ID));
        hint(
                "accessKey",
                use(MaxComputeConnectorOptions.ACCESS_KEY_SECRET)
                        + " (Flink masks the value of a key containing 'secret')");
        hint(
                "access-key",
                use(MaxComputeConnectorOptions.ACCESS_KEY_SECRET)
                        + " (Flink masks the value of a key containing 'secret')");
        hint("tableName", use(MaxComputeConnectorOptions.TABLE));
        hint("tunnelEndpoint", use(MaxComputeConnectorOptions.TUNNEL_ENDPOINT));
        hint("schemaName", use(MaxComputeConnectorOptions.SCHEMA));
        hint("quotaName", use(MaxComputeConnectorOptions.QUOTA_NAME));
        hint(
                "compressAlgorithm",
                use(MaxComputeConnectorOptions.COMPRESSION)
                        + " (RAW, DEFLATE for ZLIB, SNAPPY, LZ4 or ZSTD; default LZ4)");
        hint(
                "retryTimes",
                use(MaxComputeConnectorOptions.RETRY_MAX_DURATION)
                        + " (requests are retried with the service's back-off until that much"
                        + " time has passed)");
        hint("sleepMillis", hint("retryTimes"));
        // scans
        hint(
                "startPartition",
                use(MaxComputeConnectorOptions.SCAN_START_PARTITION)
                        + ", and set '"
                        + MaxComputeConnectorOptions.SCAN_PARTITION_DISCOVERY_INTERVAL.key()
                        + "' for a continuous scan (partition values compare as numbers when"
                        + " both are integers)");
        hint(
                "subscribeIntervalInSec",
                use(MaxComputeConnectorOptions.SCAN_PARTITION_DISCOVERY_INTERVAL)
                        + " (a duration, e.g. '30 s'); setting it makes the scan continuous");
        hint(
                "modifiedTableOperation",
                use(MaxComputeConnectorOptions.SCAN_ON_MODIFIED_PARTITION)
                        + " (NONE is FAIL, SKIP is SKIP; RECREATE reads the rest of the partition"
                        + " from a new session)");
        hint("maxPartitionCount", NO_COUNTERPART);
        String arrow =
                NO_COUNTERPART
                        + " (scans read through download sessions, split by rows with '"
                        + MaxComputeConnectorOptions.SCAN_SPLIT_SIZE.key()
                        + "')";
        hint("useArrow", arrow);
        hint("splitSize", arrow);
        hint("compressCodec", arrow);
        hint("dynamicLoadBalance", arrow);
        // sinks
        hint(
                "useStreamTunnel",
                use(MaxComputeConnectorOptions.SINK_DELIVERY_GUARANTEE)
                        + ": 'at-least-once' (the default) writes through the stream tunnel,"
                        + " 'exactly-once' through upload sessions committed at checkpoints");
        hint(
                "flushIntervalMs",
                use(MaxComputeConnectorOptions.SINK_BUFFER_FLUSH_INTERVAL)
                        + " (a duration, e.g. '30 s')");
        hint(
                "batchSize",
                use(MaxComputeConnectorOptions.SINK_BUFFER_FLUSH_MAX_SIZE)
                        + " (a memory size, e.g. '64 mb')");
        hint("numFlushThreads", NO_COUNTERPART);
        hint(
                "slotNum",
                NO_COUNTERPART
                        + " ('"
                        + MaxComputeConnectorOptions.SINK_WRITERS_PER_PARTITION.key()
                        + "' bounds the stream slots one partition takes)");
        hint("dynamicPartitionLimit", use(MaxComputeConnectorOptions.SINK_DYNAMIC_PARTITION_MAX));
        hint("enableUpsert", UPSERT_HINT);
        hint("sink.operation", UPSERT_HINT);
        hint("upsertAsyncCommit", NO_COUNTERPART);
        hint(
                "upsertCommitTimeoutMs",
                NO_COUNTERPART
                        + " (commits are paced by '"
                        + MaxComputeConnectorOptions.SINK_UPSERT_COMMIT_INTERVAL.key()
                        + "')");
        hint(
                "upsert.write.bucket.num",
                NO_COUNTERPART + " (the bucket count is read from the table)");
        hint("sink.bucket.check-interval", NO_COUNTERPART);
        // lookups
        hint(
                "cache",
                use(org.apache.flink.table.connector.source.lookup.LookupOptions.CACHE_TYPE)
                        + " ('ALL' is 'FULL'; 'NONE' and 'PARTIAL' also keep the table in memory)");
        hint("cacheSize", use(MaxComputeLookupOptions.LOOKUP_MAX_ROWS));
        hint(
                "cacheTTLMs",
                "use '"
                        + org.apache.flink.table.connector.source.lookup.LookupOptions
                                .FULL_CACHE_PERIODIC_RELOAD_INTERVAL
                                .key()
                        + "' (with 'lookup.cache' = 'FULL') or '"
                        + MaxComputeLookupOptions.LOOKUP_RELOAD_INTERVAL.key()
                        + "' instead (a duration, e.g. '10 min')");
        hint(
                "cacheReloadTimeBlackList",
                NO_COUNTERPART
                        + " ('lookup.full-cache.reload-strategy' = 'TIMED' reloads at a fixed"
                        + " time of day)");
        hint("maxLoadRetries", use(MaxComputeLookupOptions.LOOKUP_MAX_RETRIES));
    }

    private static void hint(String key, String advice) {
        HINTS.put(key.toLowerCase(Locale.ROOT), advice);
    }

    private static String hint(String key) {
        return HINTS.get(key.toLowerCase(Locale.ROOT));
    }

    private static String use(ConfigOption<?> option) {
        return "use '" + option.key() + "' instead";
    }

    /**
     * The hints for a table's options, one line per recognised key in the keys' order, or an empty
     * list when there is nothing to say. Lines name keys, never values.
     *
     * @param options the table's options as declared
     * @param ownKeys the keys the {@code maxcompute} factory takes, for keys that differ only in
     *     case (Flink's keys are case-sensitive)
     */
    static List<String> hints(Map<String, String> options, Set<String> ownKeys) {
        Map<String, String> ownByLowerCase = new LinkedHashMap<>();
        for (String own : ownKeys) {
            ownByLowerCase.put(own.toLowerCase(Locale.ROOT), own);
        }
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(options).entrySet()) {
            String key = e.getKey();
            String lower = key.toLowerCase(Locale.ROOT);
            String advice = HINTS.get(lower);
            if (advice == null && !ownKeys.contains(key)) {
                String own = ownByLowerCase.get(lower);
                if (own != null) {
                    advice = "use '" + own + "' instead (option keys are case-sensitive)";
                } else if (NO_COUNTERPART_PREFIXES.stream().anyMatch(lower::startsWith)) {
                    advice = NO_COUNTERPART;
                }
            }
            if (advice == null && key.equals(MaxComputeConnectorOptions.PARTITION.key())) {
                advice = partitionHint(e.getValue());
            }
            if (advice != null) {
                lines.add("Option '" + key + "': " + advice + ".");
            }
        }
        return lines;
    }

    /** The vendor's forms of {@code partition} this connector spells differently, or null. */
    private static String partitionHint(String value) {
        if (value == null) {
            return null;
        }
        if (MAX_PT.matcher(value).matches()) {
            return "the latest partition of a dimension table is selected with '"
                    + MaxComputeLookupOptions.LOOKUP_PARTITION.key()
                    + "' = 'max_pt()' instead ('"
                    + MaxComputeConnectorOptions.PARTITION.key()
                    + "' selects the partitions a scan reads, or a sink's static partition)";
        }
        if (OTHER_PARTITION_FUNCTION.matcher(value).matches()) {
            return "only 'max_pt()' is supported as a function, in '"
                    + MaxComputeLookupOptions.LOOKUP_PARTITION.key()
                    + "'; '"
                    + MaxComputeConnectorOptions.PARTITION.key()
                    + "' takes partition specs with '*' wildcards";
        }
        if (!value.isBlank() && !value.contains("=")) {
            return "it names partition keys without values (the VVR odps connector's dynamic"
                    + " partitions); leave it out: without a static partition, a sink takes each"
                    + " row's partition from its partition columns";
        }
        return null;
    }

    /**
     * The message of a table with vendor options: the hints, and when a secret sits under a key
     * that Flink does not mask, what that means and what to do.
     */
    static String message(String table, List<String> hints, Set<String> keys) {
        StringBuilder sb =
                new StringBuilder("MaxCompute table ")
                        .append(table)
                        .append(
                                " has options that the 'maxcompute' connector does not take (of"
                                        + " the vendor's 'odps' connector or misspelled; values"
                                        + " are not repeated here):");
        for (String line : hints) {
            sb.append("\n  ").append(line);
        }
        List<String> unmasked = new ArrayList<>();
        for (String key : new TreeSet<>(keys)) {
            if (UNMASKED_SECRET_KEYS.contains(key.toLowerCase(Locale.ROOT))) {
                unmasked.add("'" + key + "'");
            }
        }
        if (!unmasked.isEmpty()) {
            sb.append("\nThe AccessKey secret under ")
                    .append(String.join(" and ", unmasked))
                    .append(
                            " is not masked by Flink, which hides the values only of keys"
                                    + " containing 'secret', 'password', 'token' and a few more:"
                                    + " Flink may already have printed it, e.g. in SHOW CREATE"
                                    + " TABLE or in an error listing the table's options, and it"
                                    + " is stored with the table's DDL. Put it under '")
                    .append(MaxComputeConnectorOptions.ACCESS_KEY_SECRET.key())
                    .append("' (or use 'credentials-provider.class') and rotate the AccessKey.");
        }
        sb.append("\nSee ").append(MIGRATION_PAGE).append('.');
        return sb.toString();
    }
}
