package io.github.mctunnel.e2e;

import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;

/**
 * The quickstart: a Flink SQL pipeline writing a stream of orders into MaxCompute, exactly-once
 * into a partitioned table and as upserts of per-customer totals into a Delta table, with live
 * progress; then both tables are read back through the connector's source and compared with what
 * was written. Runs against the embedded Tunnel emulator, or against a real project when given an
 * endpoint and credentials (see {@link QuickstartSettings}). Exits with status 1 when what was read
 * differs from what was written.
 *
 * <p>Run it with {@code ./quickstart.sh} from the project root.
 */
public final class Quickstart {

    private static final int PARALLELISM = 2;

    private final QuickstartSettings settings;
    private final PrintStream out;

    Quickstart(QuickstartSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(QuickstartSettings.USAGE);
            return;
        }
        QuickstartSettings settings;
        try {
            settings = QuickstartSettings.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage() + "\n\n" + QuickstartSettings.USAGE);
            System.exit(2);
            return;
        }
        try {
            QuickstartReport report = new Quickstart(settings, System.out).run();
            System.exit(report.ok() ? 0 : 1);
        } catch (Exception e) {
            System.out.flush();
            System.err.println("FAILED: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Runs the demo, prints progress and the summary, and returns the summary's numbers. */
    QuickstartReport run() throws Exception {
        if (!settings.usesEmulator()) {
            out.println(
                    "Target: project "
                            + settings.project()
                            + " at "
                            + settings.endpoint()
                            + " (no emulator)");
            TunnelConnectionOptions connection = connection(settings.endpoint(), null);
            String suffix =
                    "_"
                            + LocalDateTime.now(ZoneOffset.UTC)
                                    .format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"));
            return run(DemoTables.of(connection, suffix), null);
        }
        try (TunnelEmulator emulator =
                TunnelEmulator.builder()
                        .port(0)
                        .project(settings.project())
                        .credentials(settings.accessId(), settings.accessKey())
                        .limits(
                                EmulatorLimits.builder()
                                        .upsertCommitInterval(settings.upsertCommitInterval())
                                        .build())
                        .build()
                        .start()) {
            out.println(
                    "Target: the embedded Tunnel emulator at "
                            + emulator.odpsEndpoint()
                            + " (project "
                            + settings.project()
                            + ")");
            TunnelConnectionOptions connection =
                    connection(emulator.odpsEndpoint(), emulator.tunnelEndpoint());
            DemoTables tables = DemoTables.of(connection, "");
            TableIdentifier totals =
                    TableIdentifier.of(settings.project(), tables.customerTotals());
            return run(tables, () -> emulator.stats(totals).upsertCommits());
        }
    }

    private TunnelConnectionOptions connection(String endpoint, String tunnelEndpoint) {
        TunnelConnectionOptions.Builder builder =
                TunnelConnectionOptions.builder()
                        .endpoint(endpoint)
                        .project(settings.project())
                        .accessKey(settings.accessId(), settings.accessKey());
        String tunnel = tunnelEndpoint != null ? tunnelEndpoint : settings.tunnelEndpoint();
        if (tunnel != null) {
            builder.tunnelEndpoint(tunnel);
        }
        return builder.build();
    }

    private QuickstartReport run(DemoTables tables, LongSupplier deltaCommits) throws Exception {
        tables.create();
        out.println(
                "Created "
                        + tables.orders()
                        + " (PARTITIONED BY ds, region) and "
                        + tables.customerTotals()
                        + " (Delta table: transactional, PRIMARY KEY customer_id, "
                        + DemoTables.BUCKETS
                        + " buckets)");
        OrderPipeline pipeline = new OrderPipeline(tables, settings);

        out.printf(
                "Flink SQL job (local cluster, parallelism %d, checkpoint every %d s): %,d generated"
                        + " orders at %,d/s%n"
                        + "  INSERT INTO orders (-> %s): exactly-once, partitions created as"
                        + " rows arrive; rows become visible when their checkpoint's upload"
                        + " sessions are committed%n"
                        + "  INSERT INTO customer_totals SELECT customer_id, COUNT(*), SUM(amount)"
                        + " ... GROUP BY customer_id (-> %s): upserts, committed at most every %d s"
                        + "%s%n"
                        + "Live progress from the job's Flink metrics%s:%n",
                PARALLELISM,
                settings.checkpointInterval().toSeconds(),
                settings.rows(),
                settings.rowsPerSecond(),
                tables.orders(),
                tables.customerTotals(),
                settings.upsertCommitInterval().toSeconds(),
                settings.upsertCommitInterval().toSeconds() == 60
                        ? " (the service's limit: one commit per minute per partition)"
                        : "",
                deltaCommits == null ? "" : " (customer_totals commits: the emulator's count)");
        TableEnvironment streaming = streamingEnvironment();
        pipeline.registerGeneratedOrders(streaming, settings.rowsPerSecond());
        pipeline.registerMaxComputeTables(streaming);
        JobClient job =
                pipeline.writeJob(streaming)
                        .execute()
                        .getJobClient()
                        .orElseThrow(() -> new IllegalStateException("no job was started"));
        LiveProgress.Snapshot progress =
                new LiveProgress(out, tables, settings.upsertCommitInterval(), deltaCommits)
                        .follow(job);

        out.println("Reading both tables back with Flink SQL (bounded scans of the connector)");
        // four small batch queries, each in its own local cluster, run side by side
        CompletableFuture<Map<String, QuickstartReport.PartitionCounts>> written =
                query(
                        pipeline,
                        env -> partitions(env, OrderPipeline.perPartition("generated_orders")));
        CompletableFuture<Map<String, QuickstartReport.PartitionCounts>> read =
                query(pipeline, env -> partitions(env, OrderPipeline.perPartition("orders")));
        CompletableFuture<Map<Long, List<Object>>> expectedTotals =
                query(
                        pipeline,
                        env -> customers(env, OrderPipeline.perCustomer("generated_orders")));
        CompletableFuture<Map<Long, List<Object>>> readTotals =
                query(pipeline, env -> customers(env, OrderPipeline.CUSTOMER_TOTALS));
        QuickstartReport report =
                new QuickstartReport(
                        written.join(),
                        read.join(),
                        progress,
                        expectedTotals.join(),
                        readTotals.join());
        out.println(report.render(tables.orders(), tables.customerTotals()));
        if (!settings.usesEmulator()) {
            out.printf(
                    "The tables stay in project %s and expire after 3 days (LIFECYCLE 3); to drop"
                            + " them now: DROP TABLE %s; DROP TABLE %s;%n",
                    settings.project(), tables.orders(), tables.customerTotals());
        }
        return report;
    }

    private TableEnvironment streamingEnvironment() {
        Configuration conf = new Configuration();
        // a failure ends the demo with its cause instead of restarting
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(PipelineOptions.NAME, "quickstart: orders into MaxCompute");
        JobMetricsReporter.enable(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(settings.checkpointInterval().toMillis());
        return StreamTableEnvironment.create(env);
    }

    /** Runs a query in a new batch environment with the tables and the generated orders. */
    private <T> CompletableFuture<T> query(OrderPipeline pipeline, BatchQuery<T> query) {
        return CompletableFuture.supplyAsync(
                () -> {
                    TableEnvironment env = batchEnvironment();
                    // the same generated orders, unthrottled: what the pipeline was given
                    pipeline.registerGeneratedOrders(env, Integer.MAX_VALUE);
                    pipeline.registerMaxComputeTables(env);
                    try {
                        return query.run(env);
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                });
    }

    private interface BatchQuery<T> {
        T run(TableEnvironment env) throws Exception;
    }

    private static TableEnvironment batchEnvironment() {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig().set("parallelism.default", String.valueOf(PARALLELISM));
        return env;
    }

    private static Map<String, QuickstartReport.PartitionCounts> partitions(
            TableEnvironment env, String query) throws Exception {
        Map<String, QuickstartReport.PartitionCounts> out = new TreeMap<>();
        for (Row row : collect(env, query)) {
            out.put(
                    (String) row.getField(0),
                    new QuickstartReport.PartitionCounts(
                            (Long) row.getField(1),
                            (Long) row.getField(2),
                            (BigDecimal) row.getField(3)));
        }
        return out;
    }

    private static Map<Long, List<Object>> customers(TableEnvironment env, String query)
            throws Exception {
        Map<Long, List<Object>> out = new TreeMap<>();
        for (Row row : collect(env, query)) {
            out.put((Long) row.getField(0), List.of(row.getField(1), row.getField(2)));
        }
        return out;
    }

    private static List<Row> collect(TableEnvironment env, String query) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(query).collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }
}
