package io.github.mctunnel.emulator.hostile;

import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.limits.EmulatorLimits;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An emulator on a free loopback port with table {@code t (id BIGINT, s STRING, a ARRAY<STRING>)}
 * holding two committed rows, and helpers to throw raw requests at it.
 */
final class HostileFixture implements AutoCloseable {

    static final String TABLE_DDL = "CREATE TABLE t (id BIGINT, s STRING, a ARRAY<STRING>)";

    final TunnelEmulator emulator;
    final int port;
    final List<Column> columns;

    HostileFixture() throws IOException {
        this(EmulatorLimits.defaults());
    }

    HostileFixture(EmulatorLimits limits) throws IOException {
        this(TunnelEmulator.builder().project("p").limits(limits));
    }

    HostileFixture(TunnelEmulator.Builder builder) throws IOException {
        emulator = builder.build().start();
        port = emulator.port();
        emulator.executeSql(TABLE_DDL);
        columns = emulator.catalog().table("p", null, "t").schema().columns();
        String id = createUpload();
        RawHttp.Answer put =
                putBlock(
                        id,
                        0,
                        encode(
                                Compression.RAW,
                                List.of(
                                        new Object[] {1L, bytes("one"), List.of("x")},
                                        new Object[] {2L, bytes("two"), List.of()})),
                        null);
        if (put.status() != 200) {
            throw new IllegalStateException("baseline block: " + put);
        }
        RawHttp.Answer commit =
                RawHttp.send(
                        port,
                        "POST",
                        "/projects/p/tables/t?uploadid=" + id + "&curr_project=p",
                        Map.of(),
                        null);
        if (commit.status() != 200) {
            throw new IllegalStateException("baseline commit: " + commit);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    String createUpload() {
        RawHttp.Answer a =
                RawHttp.send(
                        port,
                        "POST",
                        "/projects/p/tables/t?uploads&curr_project=p",
                        Map.of(),
                        null);
        String t = a.text();
        int i = t.indexOf("\"UploadID\":\"");
        if (a.status() != 200 || i < 0) {
            throw new IllegalStateException("upload session: " + a);
        }
        return t.substring(i + 12, t.indexOf('"', i + 12));
    }

    RawHttp.Answer putBlock(String uploadId, int blockId, byte[] body, String encoding) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/octet-stream");
        if (encoding != null) {
            h.put("Content-Encoding", encoding);
        }
        return RawHttp.send(
                port,
                "PUT",
                "/projects/p/tables/t?uploadid="
                        + uploadId
                        + "&blockid="
                        + blockId
                        + "&curr_project=p",
                h,
                body);
    }

    byte[] encode(Compression compression, List<Object[]> rows) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = compression.compress(bytes)) {
                RecordStreamWriter w = new RecordStreamWriter(columns, out, Integer.MAX_VALUE);
                for (Object[] row : rows) {
                    w.write(row);
                }
                w.finish();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The committed rows of t, comparable with equals (arrays turned into lists). */
    List<List<Object>> rows() {
        List<List<Object>> out = new ArrayList<>();
        for (Object[] row : emulator.committedRows("p", "t", PartitionSpec.empty())) {
            List<Object> r = new ArrayList<>();
            for (Object v : row) {
                r.add(comparable(v));
            }
            out.add(r);
        }
        return out;
    }

    private static Object comparable(Object v) {
        if (v instanceof byte[] b) {
            return Arrays.toString(b);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object e : l) {
                out.add(comparable(e));
            }
            return out;
        }
        return v;
    }

    @Override
    public void close() {
        emulator.close();
    }
}
