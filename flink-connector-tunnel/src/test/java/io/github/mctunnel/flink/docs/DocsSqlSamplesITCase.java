package io.github.mctunnel.flink.docs;

import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every {@code ```sql} block of the docs against the embedded emulator, one emulator and one
 * Flink table environment per page, blocks in page order. Each block is marked on the line above:
 *
 * <ul>
 *   <li>{@code <!-- sql: maxcompute -->}: MaxCompute SQL, run by the emulator (project {@code
 *       my_project}; tables the Flink samples use);
 *   <li>{@code <!-- sql: flink -->}: Flink SQL, run: DDL executed, INSERTs run to the end, queries
 *       collected (so they must be bounded);
 *   <li>{@code <!-- sql: flink-batch -->}: like {@code flink}, in the page's batch-mode table
 *       environment (its own tables: a block declares what it uses);
 *   <li>{@code <!-- sql: flink-plan -->}: Flink SQL whose DDL is executed and whose INSERTs and
 *       queries are planned only ({@code EXPLAIN}: options, types and the tables are checked,
 *       nothing runs), for unbounded or long-running statements;
 *   <li>{@code <!-- sql: none -->}: not run (a fragment that cannot run alone).
 * </ul>
 *
 * The docs' endpoints {@code https://service.cn-hangzhou.maxcompute.aliyun.com/api} and {@code
 * http://127.0.0.1:8080/api} (the emulator's when started as in docs/getting-started.md) and the
 * values of {@code access-id}/{@code access-key-secret} are replaced with the emulator's.
 */
class DocsSqlSamplesITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    static final String DOCS_ENDPOINT = "https://service.cn-hangzhou.maxcompute.aliyun.com/api";
    static final String DOCS_EMULATOR_ENDPOINT = "http://127.0.0.1:8080/api";
    private static final Set<String> MODES =
            Set.of("maxcompute", "flink", "flink-batch", "flink-plan", "none");
    private static final Pattern SET = Pattern.compile("(?is)SET\\s+'([^']+)'\\s*=\\s*'([^']*)'");
    private static final Pattern CREDENTIAL =
            Pattern.compile("('(access-id|access-key-secret|sts-token)'\\s*=\\s*)'[^']*'");

    @TestFactory
    List<DynamicTest> everySqlBlockRunsAgainstTheEmulator() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path page : DocsPages.allPages()) {
            String name = DocsPages.name(page);
            List<FencedBlock> blocks = new ArrayList<>();
            for (FencedBlock block : FencedBlock.parse(name, DocsPages.read(page))) {
                if (block.language().equals("sql")) {
                    blocks.add(block);
                }
            }
            if (!blocks.isEmpty()) {
                tests.add(DynamicTest.dynamicTest(name, () -> runPage(blocks)));
            }
        }
        return tests;
    }

    private static void runPage(List<FencedBlock> blocks) throws Exception {
        try (TunnelEmulator emulator =
                TunnelEmulator.builder()
                        .project("my_project")
                        .project("other_project")
                        .credentials("ak", "sk")
                        .limits(
                                EmulatorLimits.builder()
                                        .upsertCommitInterval(Duration.ofMillis(100))
                                        .build())
                        .build()
                        .start()) {
            StreamExecutionEnvironment streamEnv =
                    StreamExecutionEnvironment.getExecutionEnvironment();
            streamEnv.setParallelism(2);
            streamEnv.enableCheckpointing(200);
            TableEnvironment tEnv = StreamTableEnvironment.create(streamEnv);
            TableEnvironment batchEnv = null;
            for (FencedBlock block : blocks) {
                String mode = block.markerValue("sql");
                assertThat(mode)
                        .as(
                                "%s: a sql block needs a marker line above it, one of"
                                        + " <!-- sql: maxcompute|flink|flink-batch|flink-plan|none"
                                        + " -->",
                                block.location())
                        .isIn(MODES);
                if (mode.equals("none")) {
                    continue;
                }
                for (String statement :
                        SqlStatements.split(substitute(block.content(), emulator))) {
                    try {
                        if (mode.equals("flink-batch") && batchEnv == null) {
                            batchEnv =
                                    TableEnvironment.create(
                                            EnvironmentSettings.newInstance()
                                                    .inBatchMode()
                                                    .build());
                        }
                        run(
                                mode,
                                statement,
                                emulator,
                                mode.equals("flink-batch") ? batchEnv : tEnv);
                    } catch (Throwable t) {
                        throw new AssertionError(
                                block.location()
                                        + " ("
                                        + mode
                                        + "): statement failed: "
                                        + statement
                                        + "\n"
                                        + t,
                                t);
                    }
                }
            }
            assertThat(emulator.attackRequests()).isEmpty();
        }
    }

    private static void run(
            String mode, String statement, TunnelEmulator emulator, TableEnvironment tEnv)
            throws Exception {
        if (mode.equals("maxcompute")) {
            emulator.executeSql("my_project", statement);
            return;
        }
        String keyword = SqlStatements.keyword(statement);
        if (keyword.equals("SET")) { // a SQL client command, not TableEnvironment SQL
            Matcher set = SET.matcher(statement);
            assertThat(set.matches()).as("SET 'key' = 'value'").isTrue();
            tEnv.getConfig().set(set.group(1), set.group(2));
            return;
        }
        boolean dml =
                keyword.equals("INSERT") || keyword.equals("SELECT") || keyword.equals("WITH");
        if (dml && mode.equals("flink-plan")) {
            assertThat(tEnv.explainSql(statement)).isNotEmpty();
            return;
        }
        TableResult result = tEnv.executeSql(statement);
        if (keyword.equals("INSERT")) {
            result.await();
        } else {
            try (CloseableIterator<Row> rows = result.collect()) {
                rows.forEachRemaining(r -> {});
            }
        }
    }

    static String substitute(String sql, TunnelEmulator emulator) {
        String s =
                sql.replace(DOCS_ENDPOINT, emulator.odpsEndpoint())
                        .replace(DOCS_EMULATOR_ENDPOINT, emulator.odpsEndpoint());
        Matcher m = CREDENTIAL.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = m.group(2).equals("access-id") ? "ak" : "sk";
            if (m.group(2).equals("sts-token")) {
                throw new IllegalArgumentException("SQL samples cannot run with an STS token");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + "'" + value + "'"));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
