package io.github.mctunnel.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the quickstart runs against and how much data it writes, from command-line options and
 * environment variables (an option wins over its variable). Without an endpoint the quickstart
 * starts the embedded emulator; with one, all four of endpoint, project, access id and access key
 * are needed. {@link #toString()} never shows the access key.
 *
 * @param endpoint the MaxCompute (ODPS) endpoint, or null for the embedded emulator
 * @param tunnelEndpoint the Tunnel endpoint, or null to discover it
 * @param project the project
 * @param accessId the AccessKey id
 * @param accessKey the AccessKey secret
 * @param rows orders the pipeline generates
 * @param rowsPerSecond the rate at which they are generated
 * @param customers distinct customer ids (the rows of the Delta table)
 * @param checkpointInterval the pipeline's checkpoint interval
 * @param upsertCommitInterval least time between two commits of the Delta table; for the embedded
 *     emulator also the limit it enforces (the service allows one commit per minute)
 */
public record QuickstartSettings(
        String endpoint,
        String tunnelEndpoint,
        String project,
        String accessId,
        String accessKey,
        int rows,
        int rowsPerSecond,
        int customers,
        Duration checkpointInterval,
        Duration upsertCommitInterval) {

    /** The project of the embedded emulator. */
    static final String EMULATOR_PROJECT = "quickstart";

    static final String USAGE =
            String.join(
                    "\n",
                    "Usage: ./quickstart.sh [options]",
                    "",
                    "Without --endpoint the demo runs against the embedded Tunnel emulator.",
                    "",
                    "  --endpoint URL            MaxCompute endpoint (env MAXCOMPUTE_ENDPOINT),",
                    "                            e.g. https://service.cn-hangzhou.maxcompute.aliyun.com/api",
                    "  --project NAME            project (env MAXCOMPUTE_PROJECT)",
                    "  --access-id ID            AccessKey id (env MAXCOMPUTE_ACCESS_ID)",
                    "  --access-key-secret SECRET       AccessKey secret (env MAXCOMPUTE_ACCESS_KEY)",
                    "  --tunnel-endpoint URL     Tunnel endpoint (env MAXCOMPUTE_TUNNEL_ENDPOINT;"
                            + " default: discovered)",
                    "  --rows N                  orders to generate (default 60000)",
                    "  --rows-per-second N       generation rate (default 1000)",
                    "  --customers N             distinct customers (default 1000)",
                    "  --checkpoint-interval S   seconds between checkpoints (default 4)",
                    "  --upsert-commit-interval S  seconds between two commits of the Delta table"
                            + " (default 60,",
                    "                            the service's limit)",
                    "  --help                    print this help");

    /** Environment variables read when the matching option is not given. */
    private static final Map<String, String> ENVIRONMENT =
            Map.of(
                    "--endpoint", "MAXCOMPUTE_ENDPOINT",
                    "--tunnel-endpoint", "MAXCOMPUTE_TUNNEL_ENDPOINT",
                    "--project", "MAXCOMPUTE_PROJECT",
                    "--access-id", "MAXCOMPUTE_ACCESS_ID",
                    "--access-key-secret", "MAXCOMPUTE_ACCESS_KEY");

    private static final List<String> OPTIONS =
            List.of(
                    "--endpoint",
                    "--tunnel-endpoint",
                    "--project",
                    "--access-id",
                    "--access-key-secret",
                    "--rows",
                    "--rows-per-second",
                    "--customers",
                    "--checkpoint-interval",
                    "--upsert-commit-interval");

    /** Settings for the embedded emulator with the given data volume (tests). */
    static QuickstartSettings emulator(
            int rows,
            int rowsPerSecond,
            int customers,
            Duration checkpointInterval,
            Duration upsertCommitInterval) {
        return new QuickstartSettings(
                null,
                null,
                EMULATOR_PROJECT,
                "quickstart-id",
                "quickstart-key",
                rows,
                rowsPerSecond,
                customers,
                checkpointInterval,
                upsertCommitInterval);
    }

    /**
     * Parses command-line options, falling back to environment variables.
     *
     * @throws IllegalArgumentException with a message for the user when an option is unknown,
     *     malformed or missing
     */
    static QuickstartSettings parse(String[] args, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (name.equals("--access-key")) {
                name = "--access-key-secret"; // the earlier name
            }
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                value = args[++i];
            }
            values.put(name, value);
        }
        ENVIRONMENT.forEach(
                (option, variable) -> {
                    String fromEnv = env.get(variable);
                    if (!values.containsKey(option) && fromEnv != null && !fromEnv.isBlank()) {
                        values.put(option, fromEnv);
                    }
                });
        int rows = positive(values, "--rows", 60_000);
        if (rows > 500_000) {
            throw new IllegalArgumentException("--rows must be at most 500000, got " + rows);
        }
        int rowsPerSecond = positive(values, "--rows-per-second", 1_000);
        int customers = positive(values, "--customers", 1_000);
        Duration checkpoint = Duration.ofSeconds(positive(values, "--checkpoint-interval", 4));
        Duration upsertCommit =
                Duration.ofSeconds(positive(values, "--upsert-commit-interval", 60));
        String endpoint = values.get("--endpoint");
        if (endpoint == null) {
            List<String> stray = new ArrayList<>();
            for (String option : List.of("--project", "--access-id", "--access-key-secret")) {
                if (values.containsKey(option)) {
                    stray.add(option + " (or " + ENVIRONMENT.get(option) + ")");
                }
            }
            if (!stray.isEmpty()) {
                throw new IllegalArgumentException(
                        String.join(", ", stray)
                                + " given without --endpoint (or MAXCOMPUTE_ENDPOINT); give all of"
                                + " --endpoint, --project, --access-id and --access-key-secret to run"
                                + " against a MaxCompute project, or none for the embedded"
                                + " emulator");
            }
            return emulator(rows, rowsPerSecond, customers, checkpoint, upsertCommit);
        }
        List<String> missing = new ArrayList<>();
        for (String option : List.of("--project", "--access-id", "--access-key-secret")) {
            if (!values.containsKey(option)) {
                missing.add(option + " (or " + ENVIRONMENT.get(option) + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "running against " + endpoint + " needs " + String.join(", ", missing));
        }
        return new QuickstartSettings(
                endpoint,
                values.get("--tunnel-endpoint"),
                values.get("--project"),
                values.get("--access-id"),
                values.get("--access-key-secret"),
                rows,
                rowsPerSecond,
                customers,
                checkpoint,
                upsertCommit);
    }

    private static int positive(Map<String, String> values, String option, int defaultValue) {
        String value = values.get(option);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim().replace("_", ""));
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a positive number, got " + value);
    }

    /** True when the quickstart starts the embedded emulator. */
    boolean usesEmulator() {
        return endpoint == null;
    }

    @Override
    public String toString() {
        return "QuickstartSettings[endpoint="
                + (usesEmulator() ? "embedded emulator" : endpoint)
                + ", project="
                + project
                + ", rows="
                + rows
                + ", rowsPerSecond="
                + rowsPerSecond
                + ", customers="
                + customers
                + ", checkpointInterval="
                + checkpointInterval
                + ", upsertCommitInterval="
                + upsertCommitInterval
                + "]";
    }
}
