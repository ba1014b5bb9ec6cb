package io.github.mctunnel.flink.table;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.ValidationException;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static io.github.mctunnel.flink.table.FactoryHarness.options;
import static io.github.mctunnel.flink.table.FactoryHarness.sink;
import static io.github.mctunnel.flink.table.FactoryHarness.source;
import static io.github.mctunnel.flink.table.MaxComputeDynamicTableFactoryTest.rejectedMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Options of the vendor's {@code odps} connector (VVR) on a {@code maxcompute} table: each key is
 * recognised (in any case) and answered with the option to use instead; no answer repeats an
 * option's value; the vendor's {@code accessKey}, whose value Flink does not mask, never reaches
 * Flink's list of table options in an error, in queries, INSERTs and lookup joins planned by Flink.
 */
class VendorOptionsFactoryTest {

    private static final String SECRET = "vvr-secret-4f1c";
    private static final String ACCESS_ID = "LTAI-vvr-id-93a2";

    private static final String HEADER =
            "MaxCompute table default_catalog.default_database.t has options that the"
                    + " 'maxcompute' connector does not take (of the vendor's 'odps' connector or"
                    + " misspelled; values are not repeated here):\n";

    private static final String SECRET_NOTE =
            "The AccessKey secret under 'accessKey' is not masked by Flink, which hides the"
                    + " values only of keys containing 'secret', 'password', 'token' and a few"
                    + " more: Flink may already have printed it, e.g. in SHOW CREATE TABLE or in"
                    + " an error listing the table's options, and it is stored with the table's"
                    + " DDL. Put it under 'access-key-secret' (or use"
                    + " 'credentials-provider.class') and rotate the AccessKey.\n";

    private static final String FOOTER = "See docs/migrating-from-vvr.md.";

    /** Every throwable in the chain: causes and suppressed exceptions, recursively. */
    private static List<Throwable> chain(Throwable t) {
        List<Throwable> out = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collect(t, out, seen);
        return out;
    }

    private static void collect(Throwable t, List<Throwable> out, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return;
        }
        out.add(t);
        collect(t.getCause(), out, seen);
        for (Throwable s : t.getSuppressed()) {
            collect(s, out, seen);
        }
    }

    private static void assertNoValueIn(Throwable t, String... values) {
        for (Throwable c : chain(t)) {
            for (String value : values) {
                assertThat(String.valueOf(c.getMessage()))
                        .as("message of %s", c.getClass().getName())
                        .doesNotContain(value);
                assertThat(c.toString()).doesNotContain(value);
            }
        }
    }

    @Test
    void connectionKeysOfTheVendorAreAnsweredWithOursWithoutTheirValues() {
        String message =
                rejectedMessage(
                        source(
                                options(
                                        "access-id",
                                        null,
                                        "access-key-secret",
                                        null,
                                        "table",
                                        null,
                                        "accessId",
                                        ACCESS_ID,
                                        "accessKey",
                                        SECRET,
                                        "tableName",
                                        "events",
                                        "tunnelEndpoint",
                                        "http://dt.example",
                                        "compressAlgorithm",
                                        "SNAPPY")));
        assertThat(message)
                .isEqualTo(
                        HEADER
                                + "  Option 'accessId': use 'access-id' instead.\n"
                                + "  Option 'accessKey': use 'access-key-secret' instead (Flink"
                                + " masks the value of a key containing 'secret').\n"
                                + "  Option 'compressAlgorithm': use 'compression' instead (RAW,"
                                + " DEFLATE for ZLIB, SNAPPY, LZ4 or ZSTD; default LZ4).\n"
                                + "  Option 'tableName': use 'table' instead.\n"
                                + "  Option 'tunnelEndpoint': use 'tunnel.endpoint' instead.\n"
                                + SECRET_NOTE
                                + FOOTER);
        assertThat(message).doesNotContain(SECRET, ACCESS_ID, "events", "dt.example");
    }

    @Test
    void keysAreRecognisedInAnyCase() {
        String message =
                rejectedMessage(
                        sink(
                                options(
                                        "ACCESSKEY", SECRET,
                                        "Project", "p2",
                                        "flushintervalms", "1000",
                                        "DynamicPartitionLimit", "10")));
        assertThat(message)
                .isEqualTo(
                        HEADER
                                + "  Option 'ACCESSKEY': use 'access-key-secret' instead (Flink"
                                + " masks the value of a key containing 'secret').\n"
                                + "  Option 'DynamicPartitionLimit': use"
                                + " 'sink.dynamic-partition.max' instead.\n"
                                + "  Option 'Project': use 'project' instead (option keys are"
                                + " case-sensitive).\n"
                                + "  Option 'flushintervalms': use 'sink.buffer-flush.interval'"
                                + " instead (a duration, e.g. '30 s').\n"
                                + SECRET_NOTE.replace("'accessKey'", "'ACCESSKEY'")
                                + FOOTER);
    }

    @Test
    void sourceSinkAndLookupKeysOfTheVendorAreAnswered() {
        String message =
                rejectedMessage(
                        source(
                                options(
                                        "startPartition", "ds=20261101",
                                        "subscribeIntervalInSec", "60",
                                        "modifiedTableOperation", "SKIP",
                                        "useStreamTunnel", "true",
                                        "batchSize", "67108864",
                                        "enableUpsert", "true",
                                        "upsert.write.bucket.num", "16",
                                        "cache", "ALL",
                                        "cacheSize", "100000",
                                        "cacheTTLMs", "3600000",
                                        "maxLoadRetries", "10",
                                        "useArrow", "true")));
        assertThat(message)
                .contains(
                        "  Option 'startPartition': use 'scan.start-partition' instead, and set"
                                + " 'scan.partition-discovery.interval' for a continuous scan"
                                + " (partition values compare as numbers when both are"
                                + " integers).\n",
                        "  Option 'subscribeIntervalInSec': use"
                                + " 'scan.partition-discovery.interval' instead (a duration, e.g."
                                + " '30 s'); setting it makes the scan continuous.\n",
                        "  Option 'modifiedTableOperation': use 'scan.on-modified-partition'"
                                + " instead (NONE is FAIL, SKIP is SKIP; RECREATE reads the rest"
                                + " of the partition from a new session).\n",
                        "  Option 'useStreamTunnel': use 'sink.delivery-guarantee' instead:"
                                + " 'at-least-once' (the default) writes through the stream"
                                + " tunnel, 'exactly-once' through upload sessions committed at"
                                + " checkpoints.\n",
                        "  Option 'batchSize': use 'sink.buffer-flush.max-size' instead (a"
                                + " memory size, e.g. '64 mb').\n",
                        "  Option 'enableUpsert': remove it: declare PRIMARY KEY (...) NOT"
                                + " ENFORCED on the Flink table (the Delta table's key) and its"
                                + " changes are written through upsert sessions.\n",
                        "  Option 'upsert.write.bucket.num': has no counterpart in this"
                                + " connector; remove it (the bucket count is read from the"
                                + " table).\n",
                        "  Option 'cache': use 'lookup.cache' instead ('ALL' is 'FULL'; 'NONE'"
                                + " and 'PARTIAL' also keep the table in memory).\n",
                        "  Option 'cacheSize': use 'lookup.max-rows' instead.\n",
                        "  Option 'cacheTTLMs': use 'lookup.full-cache.periodic-reload.interval'"
                                + " (with 'lookup.cache' = 'FULL') or 'lookup.reload-interval'"
                                + " instead (a duration, e.g. '10 min').\n",
                        "  Option 'maxLoadRetries': use 'lookup.max-retries' instead.\n",
                        "  Option 'useArrow': has no counterpart in this connector; remove it"
                                + " (scans read through download sessions, split by rows with"
                                + " 'scan.split.size').\n")
                .doesNotContain("ds=20261101", "3600000", "67108864", "100000")
                .doesNotContain("is not masked");
    }

    @Test
    void vendorPartitionFormsAreAnswered() {
        assertThat(rejectedMessage(source(options("partition", "max_pt()"))))
                .isEqualTo(
                        HEADER
                                + "  Option 'partition': the latest partition of a dimension"
                                + " table is selected with 'lookup.partition' = 'max_pt()'"
                                + " instead ('partition' selects the partitions a scan reads, or"
                                + " a sink's static partition).\n"
                                + FOOTER);
        assertThat(rejectedMessage(source(options("partition", "max_two_pt()"))))
                .contains(
                        "  Option 'partition': only 'max_pt()' is supported as a function, in"
                                + " 'lookup.partition'; 'partition' takes partition specs with"
                                + " '*' wildcards.\n");
        assertThat(rejectedMessage(sink(options("partition", "ds,hh"))))
                .contains(
                        "  Option 'partition': it names partition keys without values (the VVR"
                                + " odps connector's dynamic partitions); leave it out: without a"
                                + " static partition, a sink takes each row's partition from its"
                                + " partition columns.\n");
        // this connector's own forms are fine
        assertThat(source(options("partition", "ds=2026*", "lookup.partition", "max_pt()")))
                .isInstanceOf(MaxComputeDynamicTableSource.class);
    }

    // ------------------------------------------------------------------ through Flink's planner

    private static TableEnvironment vendorTables() {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        String vendorOptions =
                " WITH ('connector' = 'maxcompute', 'endpoint' = 'http://127.0.0.1:1/api',"
                        + " 'project' = 'p', 'table' = 't', 'accessId' = '"
                        + ACCESS_ID
                        + "', 'accessKey' = '"
                        + SECRET
                        + "', 'cache' = 'ALL')";
        env.executeSql("CREATE TABLE vendor_t (id BIGINT, name STRING)" + vendorOptions);
        env.executeSql(
                "CREATE TABLE gen (id BIGINT, proc AS PROCTIME()) WITH ('connector' ="
                        + " 'datagen', 'number-of-rows' = '1')");
        return env;
    }

    @Test
    void aQueryFailsWithTheHintsAndNeverWithTheSecret() {
        TableEnvironment env = vendorTables();
        for (String statement :
                List.of(
                        "SELECT * FROM vendor_t",
                        "INSERT INTO vendor_t SELECT id, 'x' FROM gen",
                        "SELECT g.id, v.name FROM gen AS g JOIN vendor_t FOR SYSTEM_TIME AS OF"
                                + " g.proc AS v ON g.id = v.id")) {
            assertThatThrownBy(() -> env.explainSql(statement))
                    .as(statement)
                    .isInstanceOf(ValidationException.class)
                    .hasMessageContaining(
                            "has options that the 'maxcompute' connector does not take")
                    .hasMessageContaining("  Option 'accessKey': use 'access-key-secret' instead")
                    .hasMessageContaining("rotate the AccessKey")
                    .satisfies(e -> assertNoValueIn(e, SECRET, ACCESS_ID));
        }
    }
}
