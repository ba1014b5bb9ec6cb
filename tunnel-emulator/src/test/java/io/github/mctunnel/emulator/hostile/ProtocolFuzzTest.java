package io.github.mctunnel.emulator.hostile;

import io.github.mctunnel.client.codec.RecordStreamReader;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeProperty;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the emulator over HTTP, and tunnel-client's {@link RecordStreamReader} directly, with
 * random and mutated requests, bodies, SQL, instance XML, partition specs and record streams (each
 * compression). Every property is seeded and bounded (tries and a time budget: tries past the
 * budget are discarded, so jqwik's "checks" is the number of inputs actually tried) and holds that:
 * the emulator answers (no reset, no client timeout), never a 5xx, every 4xx carries a service
 * error code, and a rejected request leaves the stored rows unchanged. jqwik prints each property's
 * report (tries, checks, seed) to the test output.
 */
class ProtocolFuzzTest {

    private static final String SEED = "20251122";
    private static final long BUDGET_NANOS = Duration.ofSeconds(7).toNanos();
    private static final int TIMEOUT_MILLIS = 5_000;

    private static HostileFixture fx;
    private static String uploadId;
    private static String streamId;
    private static List<List<Object>> rowsOfT;
    private static List<Object[]> rowsOfPt;

    private long deadline;

    @BeforeContainer
    static void start() throws Exception {
        fx =
                new HostileFixture(
                        EmulatorLimits.builder()
                                .uploadSessionsPerWindow(1_000_000)
                                .maxConcurrentUploadSessions(1_000_000)
                                .blocksPerWindow(1_000_000)
                                .downloadSessionsPerWindow(1_000_000)
                                .maxStreamPartitionsPerTable(1_000_000)
                                .maxSlotsPerPartition(1_000_000)
                                .build());
        fx.emulator.executeSql(
                "CREATE TABLE pt (id BIGINT, s STRING) PARTITIONED BY (ds STRING, hh STRING)");
        fx.emulator.executeSql("ALTER TABLE pt ADD PARTITION (ds='1', hh='2')");
        uploadId = fx.createUpload();
        RawHttp.Answer stream =
                RawHttp.send(
                        fx.port,
                        "POST",
                        "/projects/p/tables/t/streams?curr_project=p",
                        Map.of(),
                        null);
        assertThat(stream.status()).as(stream.toString()).isEqualTo(200);
        String t = stream.text();
        int i = t.indexOf("\"session_name\":\"");
        streamId = t.substring(i + 16, t.indexOf('"', i + 16));
        snapshot();
    }

    @AfterContainer
    static void stop() {
        // the server is still up and serves a valid request
        RawHttp.Answer a =
                RawHttp.send(
                        fx.port,
                        "POST",
                        "/projects/p/tables/t?uploads&curr_project=p",
                        Map.of(),
                        null);
        fx.close();
        assertThat(a.status()).as("after fuzzing: " + a).isEqualTo(200);
    }

    @BeforeProperty
    void startBudget() {
        deadline = System.nanoTime() + BUDGET_NANOS;
    }

    private void withinBudget() {
        Assume.that(System.nanoTime() < deadline);
    }

    private static void snapshot() {
        rowsOfT = fx.rows();
        rowsOfPt = fx.emulator.committedRows("p", "pt", PartitionSpec.parse("ds=1,hh=2"));
    }

    /**
     * The answer is a service answer: no reset or timeout, no 5xx, a 4xx with an error code; a
     * refused request changed no stored rows (an accepted one may have: the new rows become the
     * reference).
     */
    private static void assertServiceAnswer(RawHttp.Answer a, String what) {
        String shown = what.length() > 300 ? what.substring(0, 300) + "..." : what;
        assertThat(a.failure()).as(shown).isNull();
        boolean head = shown.startsWith("HEAD "); // a HEAD answer has no body
        if (a.status() == 501) {
            // the documented answer for service APIs the emulator does not emulate
            assertThat(head ? "NotImplemented" : a.code())
                    .as(shown + " -> " + a)
                    .isEqualTo("NotImplemented");
            return;
        }
        assertThat(a.status()).as(shown + " -> " + a).isBetween(200, 499);
        if (a.status() >= 400) {
            if (!head) {
                assertThat(a.code()).as(shown + " -> " + a).isNotBlank();
            }
            assertThat(fx.rows()).as("rows of t after " + shown + " -> " + a).isEqualTo(rowsOfT);
            assertThat(fx.emulator.committedRows("p", "pt", PartitionSpec.parse("ds=1,hh=2")))
                    .as("rows of pt after " + shown)
                    .hasSameSizeAs(rowsOfPt);
        } else {
            snapshot();
        }
    }

    private static RawHttp.Answer send(
            String method, String target, Map<String, String> headers, byte[] body) {
        return RawHttp.send(fx.port, method, target, headers, body, TIMEOUT_MILLIS);
    }

    // ---------------------------------------------------------------- requests

    private static final String[] PATHS = {
        "/projects/p/tables/t",
        "/projects/p/tables/t/streams",
        "/projects/p/tables/t/upserts",
        "/projects/p/tables/t/preview",
        "/projects/p/tables/pt",
        "/projects/p/schemas/default/tables/t",
        "/projects/nope/tables/t",
        "/projects/p/tables/nope",
        "/api/projects/p/instances",
        "/api/projects/p/tables/t",
        "/api/projects/p/tables/t/partitions",
        "/api/projects/p",
        "/api/projects/p/tunnel",
        "/api/projects/p/instances/x",
        "/emulator/clock",
        "/",
    };

    private static final String[] PARAMS = {
        "uploads",
        "downloads",
        "uploadid",
        "downloadid",
        "blockid",
        "data",
        "rowrange",
        "columns",
        "partition",
        "curr_project",
        "slotid",
        "record_count",
        "upsertid",
        "dynamic_partition",
        "create_partition",
        "result",
        "taskstatus",
        "service",
        "disable_modified_check",
        "arrow",
        "asyncmode",
        "overwrite",
        "expand",
        "name",
    };

    private static final String[] VALUES = {
        "",
        "p",
        "t",
        "0",
        "-1",
        "1",
        "19999",
        "20000",
        "99999999999999999999",
        "(0,2)",
        "(2,0)",
        "(-1,5)",
        "(0,99999999999)",
        "id,s",
        "nope",
        "ds=1,hh=2",
        "ds='1'",
        "ds=",
        "=1",
        "%",
        "%zz",
        "%00",
        "%C3%28",
        "true",
        "false",
        "a=b=c",
        "ds=1/hh=2",
        "\u00e9",
    };

    private static final String[] HEADERS = {
        "Content-Type",
        "Content-Encoding",
        "x-odps-tunnel-version",
        "odps-tunnel-date-transform",
        "odps-tunnel-slot-num",
        "odps-slot-num",
        "odps-tunnel-sdk-support-schema-evolution",
        "Transfer-Encoding",
        "Range",
        "Accept-Encoding",
        "Date",
        "Authorization",
        "x-odps-user-agent",
        "Expect",
    };

    private static final String[] HEADER_VALUES = {
        "",
        "application/octet-stream",
        "application/json",
        "application/xml",
        "text/plain",
        "deflate",
        "x-snappy-framed",
        "x-lz4-frame",
        "zstd",
        "gzip",
        "6",
        "v1",
        "true",
        "0",
        "-5",
        "99999999999",
        "chunked",
        "bytes=0-",
        "ODPS ak:sig",
        "100-continue",
        "\u00e9",
    };

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"};

    /** A printable request-target character (no space or control: those break the framing). */
    private static Arbitrary<String> junk(int max) {
        return Arbitraries.strings().withCharRange('!', '~').ofMaxLength(max);
    }

    @Provide
    Arbitrary<String> targets() {
        Arbitrary<String> param =
                Combinators.combine(
                                Arbitraries.oneOf(Arbitraries.of(PARAMS), junk(8)),
                                Arbitraries.oneOf(
                                        Arbitraries.of(VALUES).map(ProtocolFuzzTest::encode),
                                        junk(12),
                                        Arbitraries.just(null)))
                        .as((k, v) -> v == null ? k : k + "=" + v);
        Arbitrary<String> query = param.list().ofMaxSize(6).map(l -> String.join("&", l));
        Arbitrary<String> path =
                Arbitraries.oneOf(
                        Arbitraries.of(PATHS),
                        Combinators.combine(Arbitraries.of(PATHS), junk(12))
                                .as((p, j) -> p + "/" + j),
                        junk(40).map(j -> "/" + j));
        return Combinators.combine(path, query, Arbitraries.of("?", "", "??", "?&"))
                .as((p, q, sep) -> q.isEmpty() ? p : p + sep + q);
    }

    @Provide
    Arbitrary<Map<String, String>> headers() {
        Arbitrary<String> value =
                Arbitraries.oneOf(
                        Arbitraries.of(HEADER_VALUES),
                        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30));
        return Arbitraries.maps(
                        Arbitraries.oneOf(
                                Arbitraries.of(HEADERS),
                                junk(10).filter(s -> !s.isEmpty() && s.indexOf(':') < 0)),
                        value)
                .ofMaxSize(5)
                .map(
                        m -> {
                            // RawHttp writes Content-Length and Host itself
                            Map<String, String> out = new LinkedHashMap<>();
                            m.forEach(
                                    (k, v) -> {
                                        String lk = k.toLowerCase(java.util.Locale.ROOT);
                                        if (!lk.equals("content-length")
                                                && !lk.equals("host")
                                                && !lk.equals("connection")
                                                && !lk.equals("transfer-encoding")) {
                                            out.put(k, v);
                                        }
                                    });
                            return out;
                        });
    }

    @Provide
    Arbitrary<byte[]> smallBodies() {
        return Arbitraries.oneOf(
                Arbitraries.just(null),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(512),
                Arbitraries.of(Compression.values())
                        .map(c -> fx.encode(c, List.<Object[]>of(new Object[] {9L, null, null}))));
    }

    private static String encode(String v) {
        return java.net.URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    @Property(tries = 1000, seed = SEED, maxDiscardRatio = 100, shrinking = ShrinkingMode.OFF)
    void randomRequestsGetServiceAnswers(
            @ForAll("methods") String method,
            @ForAll("targets") String target,
            @ForAll("headers") Map<String, String> headers,
            @ForAll("smallBodies") byte[] body) {
        withinBudget();
        RawHttp.Answer a = send(method, target, headers, body);
        assertServiceAnswer(a, method + " " + target + " " + headers);
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.oneOf(
                Arbitraries.of(METHODS), Arbitraries.strings().alpha().ofLength(4));
    }

    // ---------------------------------------------------------------- record streams

    enum StreamKind {
        RANDOM_BYTES,
        MUTATED_BEFORE_COMPRESSION,
        MUTATED_AFTER_COMPRESSION
    }

    enum Target {
        BLOCK,
        STREAM_FLUSH
    }

    private static List<Object[]> rows(Random r) {
        List<Object[]> rows = new ArrayList<>();
        int n = 1 + r.nextInt(20);
        for (int i = 0; i < n; i++) {
            byte[] s = new byte[r.nextInt(40)];
            r.nextBytes(s);
            List<String> a = new ArrayList<>();
            for (int j = r.nextInt(4); j > 0; j--) {
                a.add(r.nextBoolean() ? "e" + r.nextInt() : "");
            }
            rows.add(
                    new Object[] {
                        r.nextBoolean() ? r.nextLong() : null,
                        r.nextInt(5) == 0 ? null : s,
                        r.nextInt(5) == 0 ? null : a
                    });
        }
        return rows;
    }

    /** Flips, overwrites, truncates, inserts, duplicates or deletes bytes. */
    static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        int ops = 1 + r.nextInt(4);
        for (int k = 0; k < ops && b.length > 0; k++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> b = Arrays.copyOf(b, at);
                case 3 -> {
                    byte[] ins = new byte[1 + r.nextInt(16)];
                    r.nextBytes(ins);
                    b = concat(Arrays.copyOf(b, at), ins, Arrays.copyOfRange(b, at, b.length));
                }
                case 4 -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    b = concat(b, Arrays.copyOfRange(b, at, at + len), new byte[0]);
                }
                case 5 -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(16));
                    b =
                            concat(
                                    Arrays.copyOf(b, at),
                                    Arrays.copyOfRange(b, at + len, b.length),
                                    new byte[0]);
                }
                default -> b[at] = (byte) (r.nextBoolean() ? 0xFF : 0x80); // varint traps
            }
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b, byte[] c) {
        byte[] out = Arrays.copyOf(a, a.length + b.length + c.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }

    static byte[] body(Compression c, StreamKind kind, long seed) {
        Random r = new Random(seed);
        switch (kind) {
            case RANDOM_BYTES -> {
                byte[] b = new byte[r.nextInt(2048)];
                r.nextBytes(b);
                return b;
            }
            case MUTATED_BEFORE_COMPRESSION -> {
                byte[] raw = mutate(fx.encode(Compression.RAW, rows(r)), r);
                return compress(c, raw);
            }
            default -> {
                return mutate(fx.encode(c, rows(r)), r);
            }
        }
    }

    private static byte[] compress(Compression c, byte[] raw) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.OutputStream out = c.compress(bytes)) {
                out.write(raw);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Property(tries = 1000, seed = SEED, maxDiscardRatio = 100, shrinking = ShrinkingMode.OFF)
    void recordStreamsGetServiceAnswers(
            @ForAll Compression compression,
            @ForAll StreamKind kind,
            @ForAll Target target,
            @ForAll long seed) {
        withinBudget();
        byte[] body = body(compression, kind, seed);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/octet-stream");
        if (compression != Compression.RAW) {
            h.put("Content-Encoding", compression.contentEncoding());
        }
        String what = compression + " " + kind + " seed " + seed + " -> " + target;
        RawHttp.Answer a =
                switch (target) {
                    case BLOCK ->
                            send(
                                    "PUT",
                                    "/projects/p/tables/t?uploadid="
                                            + uploadId
                                            + "&blockid="
                                            + Math.floorMod(seed, 20_000)
                                            + "&curr_project=p",
                                    h,
                                    body);
                    case STREAM_FLUSH ->
                            send(
                                    "PUT",
                                    "/projects/p/tables/t/streams?uploadid="
                                            + streamId
                                            + "&slotid=1&curr_project=p",
                                    h,
                                    body);
                };
        assertServiceAnswer(a, what);
    }

    private static final ExecutorService READER =
            Executors.newSingleThreadExecutor(
                    r -> {
                        Thread t = new Thread(r, "fuzz-reader");
                        t.setDaemon(true);
                        return t;
                    });

    /**
     * tunnel-client's reader on the same inputs: it returns records, ends, or throws an IOException
     * (CorruptRecordStreamException for a bad stream); never an unchecked exception, an Error, or a
     * hang.
     */
    @Property(tries = 1000, seed = SEED, maxDiscardRatio = 100, shrinking = ShrinkingMode.OFF)
    void recordStreamReaderFailsOnlyWithIoExceptions(
            @ForAll Compression compression, @ForAll StreamKind kind, @ForAll long seed)
            throws Exception {
        withinBudget();
        byte[] body = body(compression, kind, seed);
        Future<Throwable> run =
                READER.submit(
                        () -> {
                            try (InputStream in =
                                    compression.decompress(new ByteArrayInputStream(body))) {
                                RecordStreamReader reader =
                                        new RecordStreamReader(fx.columns, in, true);
                                for (int i = 0; i < 100_000 && reader.read() != null; i++) {
                                    // read on
                                }
                                return null;
                            } catch (IOException expected) {
                                return null;
                            } catch (Throwable t) {
                                return t;
                            }
                        });
        Throwable thrown;
        try {
            thrown = run.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            throw new AssertionError(compression + " " + kind + " seed " + seed + ": reader hangs");
        }
        assertThat(thrown).as(compression + " " + kind + " seed " + seed).isNull();
    }

    // ---------------------------------------------------------------- SQL and XML

    private static final String[] SQL_SEEDS = {
        "CREATE TABLE u (id BIGINT, s STRING, d DECIMAL(18,2)) PARTITIONED BY (ds STRING)",
        "CREATE TABLE IF NOT EXISTS v (a ARRAY<MAP<STRING,STRUCT<x:INT,y:VARCHAR(10)>>>)",
        "CREATE TABLE w (k BIGINT NOT NULL, v STRING, PRIMARY KEY (k)) TBLPROPERTIES"
                + " (\"transactional\"=\"true\", \"write.bucket.num\"=\"4\") LIFECYCLE 3",
        "ALTER TABLE pt ADD IF NOT EXISTS PARTITION (ds='3', hh='4')",
        "ALTER TABLE pt DROP IF EXISTS PARTITION (ds='9', hh='9')",
        "DROP TABLE IF EXISTS u",
        "SET odps.sql.type.system.odps2=true",
        "CREATE TABLE x (c CHAR(3) COMMENT 'it''s', ts TIMESTAMP, b BINARY)",
    };

    private static final String[] SQL_TOKENS = {
        "CREATE",
        "TABLE",
        "DROP",
        "ALTER",
        "ADD",
        "PARTITION",
        "PARTITIONED",
        "BY",
        "IF",
        "NOT",
        "EXISTS",
        "(",
        ")",
        ",",
        "<",
        ">",
        ":",
        "'",
        "\"",
        "`",
        ";",
        "=",
        "u",
        "v",
        "pt",
        "ds",
        "BIGINT",
        "STRING",
        "ARRAY",
        "MAP",
        "STRUCT",
        "DECIMAL",
        "VARCHAR",
        "PRIMARY",
        "KEY",
        "TBLPROPERTIES",
        "LIFECYCLE",
        "COMMENT",
        "SET",
        "TRUNCATE",
        "-1",
        "99999999999999999999",
        "1.5e9",
        "--",
        "/*",
        "*/",
        "\\",
        "\u00e9",
        "NULL",
    };

    @Provide
    Arbitrary<String> sql() {
        Arbitrary<String> tokens =
                Arbitraries.of(SQL_TOKENS).list().ofMaxSize(30).map(l -> String.join(" ", l));
        Arbitrary<String> mutated =
                Combinators.combine(Arbitraries.of(SQL_SEEDS), Arbitraries.longs())
                        .as(
                                (s, seed) ->
                                        new String(
                                                mutate(
                                                        s.getBytes(StandardCharsets.UTF_8),
                                                        new Random(seed)),
                                                StandardCharsets.UTF_8));
        Arbitrary<String> random = Arbitraries.strings().ofMaxLength(200);
        return Arbitraries.oneOf(tokens, mutated, random, Arbitraries.of(SQL_SEEDS));
    }

    /** Neither the table t nor partition ds=1,hh=2 of pt is named, so their rows must stay. */
    @Property(tries = 500, seed = SEED, maxDiscardRatio = 100, shrinking = ShrinkingMode.OFF)
    void sqlGetsServiceAnswers(@ForAll("sql") String sql) {
        withinBudget();
        Assume.that(!sql.matches("(?is).*\\bt\\b.*"));
        RawHttp.Answer a =
                send(
                        "POST",
                        "/api/projects/p/instances",
                        Map.of("Content-Type", "application/xml"),
                        HostileSqlAndXmlTest.job(sql.replace("]]>", "]] >"))
                                .getBytes(StandardCharsets.UTF_8));
        assertServiceAnswer(a, "SQL " + sql);
        if (a.status() == 201) {
            String location = a.headers().get("location");
            String id = location.substring(location.lastIndexOf('/') + 1);
            assertServiceAnswer(
                    send("GET", "/api/projects/p/instances/" + id + "?result", Map.of(), null),
                    "result of " + sql);
        }
        assertThat(fx.emulator.committedRows("p", "pt", PartitionSpec.parse("ds=1,hh=2")))
                .hasSameSizeAs(rowsOfPt);
    }

    @Provide
    Arbitrary<String> xml() {
        return Combinators.combine(Arbitraries.of(SQL_SEEDS), Arbitraries.longs())
                .as(
                        (s, seed) ->
                                new String(
                                        mutate(
                                                HostileSqlAndXmlTest.job(s)
                                                        .getBytes(StandardCharsets.UTF_8),
                                                new Random(seed)),
                                        StandardCharsets.UTF_8));
    }

    @Property(tries = 500, seed = SEED, maxDiscardRatio = 100, shrinking = ShrinkingMode.OFF)
    void instanceXmlGetsServiceAnswers(@ForAll("xml") String xml) {
        withinBudget();
        RawHttp.Answer a =
                send(
                        "POST",
                        "/api/projects/p/instances",
                        Map.of("Content-Type", "application/xml"),
                        xml.getBytes(StandardCharsets.UTF_8));
        assertServiceAnswer(a, "XML " + xml);
    }

    // ---------------------------------------------------------------- partition specs

    @Provide
    Arbitrary<String> specs() {
        Arbitrary<String> key =
                Arbitraries.oneOf(Arbitraries.of("ds", "hh", "DS", "x", ""), junk(6));
        Arbitrary<String> value =
                Arbitraries.oneOf(
                        Arbitraries.of("1", "2", "'1'", "\"2\"", "", "a b", "é", "/", ",", "="),
                        Arbitraries.strings().ofMaxLength(12));
        Arbitrary<String> pair =
                Combinators.combine(key, Arbitraries.of("=", "==", "", " = "), value)
                        .as((k, eq, v) -> k + eq + v);
        return Arbitraries.oneOf(
                Combinators.combine(pair.list().ofMaxSize(4), Arbitraries.of(",", "/", ", "))
                        .as((l, sep) -> String.join(sep, l)),
                Arbitraries.strings().ofMaxLength(40));
    }

    @Property(tries = 600, seed = SEED, maxDiscardRatio = 100, shrinking = ShrinkingMode.OFF)
    void partitionSpecsGetServiceAnswers(
            @ForAll("specs") String spec, @ForAll("specTargets") String target) {
        withinBudget();
        String enc = encode(spec);
        RawHttp.Answer a =
                switch (target) {
                    case "upload" ->
                            send(
                                    "POST",
                                    "/projects/p/tables/pt?uploads&curr_project=p&partition=" + enc,
                                    Map.of(),
                                    null);
                    case "download" ->
                            send(
                                    "POST",
                                    "/projects/p/tables/pt?downloads&curr_project=p&partition="
                                            + enc,
                                    Map.of(),
                                    null);
                    case "stream" ->
                            send(
                                    "POST",
                                    "/projects/p/tables/pt/streams?curr_project=p&create_partition&partition="
                                            + enc,
                                    Map.of(),
                                    null);
                    default ->
                            send(
                                    "POST",
                                    "/api/projects/p/instances",
                                    Map.of("Content-Type", "application/xml"),
                                    HostileSqlAndXmlTest.job(
                                                    "ALTER TABLE pt ADD IF NOT EXISTS PARTITION ("
                                                            + spec.replace("]]>", "]] >")
                                                            + ")")
                                            .getBytes(StandardCharsets.UTF_8));
                };
        assertServiceAnswer(a, target + " partition " + spec);
    }

    @Provide
    Arbitrary<String> specTargets() {
        return Arbitraries.of("upload", "download", "stream", "sql");
    }

    // ---------------------------------------------------------------- what the fuzzers found

    @Example
    void unknownExpectationIsRefusedWithAnErrorCode() {
        RawHttp.Answer a =
                send(
                        "POST",
                        "/projects/p/tables/t?uploads&curr_project=p",
                        Map.of("Expect", "teapot"),
                        null);
        assertThat(a.status()).isEqualTo(417);
        assertThat(a.code()).isEqualTo("ExpectationFailed");
    }

    @Example
    void unknownMethodOnTheMetaApiIsMethodNotAllowed() {
        RawHttp.Answer a = send("PATCH", "/api/projects/p", Map.of(), null);
        assertThat(a.status()).as(a.toString()).isEqualTo(405);
        assertThat(a.code()).isEqualTo("MethodNotAllowed");
    }
}
