package io.github.mctunnel.sql;

import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.TunnelEmulator;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQL jar is self-contained: a Flink SQL job runs in a JVM whose classpath is only Flink's own
 * jars (no Jackson, no HttpClient, none of our modules) plus the shaded jar, against the emulator.
 */
class SqlJarOnFlinkClasspathITCase {

    private static final String PROJECT = "sqljar";
    private static final String ACCESS_ID = "sqljar-id";
    private static final String ACCESS_KEY = "sqljar-secret";

    @Test
    void sqlJobRunsWithOnlyFlinkAndTheSqlJar() throws Exception {
        String flinkClasspath =
                Files.readString(Path.of(System.getProperty("flinkClasspathFile"))).trim();
        assertThat(flinkClasspath)
                .as("Flink's classpath must not hold what the SQL jar relocates or bundles")
                .doesNotContain("jackson-databind", "httpclient5", "httpcore5", "tunnel-client");

        try (TunnelEmulator emulator =
                TunnelEmulator.builder()
                        .port(0)
                        .project(PROJECT)
                        .credentials(ACCESS_ID, ACCESS_KEY)
                        .build()
                        .start()) {
            emulator.executeSql(
                    PROJECT,
                    "CREATE TABLE events (id BIGINT, name STRING) PARTITIONED BY (ds STRING);");

            String classpath =
                    String.join(
                            File.pathSeparator,
                            // lib/ order: Flink's jars sort before flink-sql-tunnel
                            flinkClasspath,
                            System.getProperty("sqlJar"),
                            System.getProperty("testClassesDir"));
            Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
            Process process =
                    new ProcessBuilder(
                                    javaBin.toString(),
                                    "-cp",
                                    classpath,
                                    SqlJobMain.class.getName(),
                                    emulator.odpsEndpoint(),
                                    PROJECT,
                                    ACCESS_ID,
                                    ACCESS_KEY)
                            .redirectErrorStream(true)
                            .start();
            List<String> output = new ArrayList<>();
            try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.add(line);
                }
            }
            assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(process.exitValue()).as(String.join("\n", output)).isZero();

            assertThat(output.stream().filter(l -> l.startsWith("ROW|")))
                    .containsExactlyInAnyOrder("ROW|1|caf\u00e9|20261122", "ROW|2|tea|20261123");
            assertThat(
                            emulator.committedRows(
                                    PROJECT, "events", PartitionSpec.parse("ds=20261122")))
                    .hasSize(1);
            assertThat(emulator.attackRequests()).isEmpty();
        }
    }
}
