package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.codec.RecordStreamReader;
import io.github.mctunnel.client.codec.RecordStreamWriter;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.emulator.catalog.Catalog;
import io.github.mctunnel.emulator.catalog.TableDefinition;
import io.github.mctunnel.emulator.catalog.TableState;
import io.github.mctunnel.emulator.limits.EmulatorLimits;
import io.github.mctunnel.emulator.limits.MutableClock;
import io.github.mctunnel.emulator.server.EmulatorRequest;
import io.github.mctunnel.emulator.server.EmulatorResponse;
import io.github.mctunnel.emulator.server.ServiceException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A TunnelService over an in-memory catalog, called with real request/response objects. */
final class TunnelFixture {

    static final String HOST = "127.0.0.1:8080";
    static final ObjectMapper JSON = new ObjectMapper();

    final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
    final Catalog catalog = Catalog.inMemory(List.of("p"), clock);
    final TunnelService service;

    TunnelFixture(EmulatorLimits limits) {
        service = new TunnelService(catalog, limits, clock, HOST);
    }

    TunnelFixture() {
        this(EmulatorLimits.defaults());
    }

    TableState plainTable(String name, TableSchema schema) {
        return catalog.createTable(
                TableDefinition.plain(TableIdentifier.of("p", name), schema), false);
    }

    TableState deltaTable(String name, TableSchema schema, List<String> pk, int buckets) {
        return catalog.createTable(
                new TableDefinition(
                        TableIdentifier.of("p", name),
                        schema,
                        "",
                        pk,
                        true,
                        buckets,
                        Map.of("transactional", "true"),
                        -1),
                false);
    }

    /** The outcome of one call: a response, or the service error it threw. */
    record Outcome(EmulatorResponse response, ServiceException error) {
        JsonNode json() {
            if (error != null) {
                throw new AssertionError("expected success, got " + error);
            }
            try {
                return JSON.readTree(response.bodyBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        ServiceException err() {
            if (error == null) {
                throw new AssertionError("expected an error, got status " + response.status());
            }
            return error;
        }
    }

    Outcome call(String method, String table, String suffix, Map<String, String> params) {
        return call(method, table, suffix, params, Map.of(), new byte[0]);
    }

    Outcome call(
            String method,
            String table,
            String suffix,
            Map<String, String> params,
            Map<String, String> headers,
            byte[] body) {
        StringBuilder uri = new StringBuilder("/projects/p/tables/").append(table);
        if (!suffix.isEmpty()) {
            uri.append('/').append(suffix);
        }
        char sep = '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            uri.append(sep).append(enc(e.getKey()));
            if (e.getValue() != null) {
                uri.append('=').append(enc(e.getValue()));
            }
            sep = '&';
        }
        uri.append("&curr_project=p");
        EmulatorRequest req =
                EmulatorRequest.of(
                        method,
                        uri.toString(),
                        headers,
                        new ByteArrayInputStream(body),
                        "127.0.0.1");
        EmulatorResponse resp = new EmulatorResponse();
        try {
            service.handle(req, resp, "p", null, table, suffix);
            return new Outcome(resp, null);
        } catch (ServiceException e) {
            return new Outcome(resp, e);
        } catch (Exception e) {
            throw new AssertionError("unexpected " + e, e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static byte[] encode(List<Column> columns, Compression compression, List<Object[]> rows) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = compression.compress(bytes)) {
                RecordStreamWriter w = new RecordStreamWriter(columns, out);
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

    static List<Object[]> decode(List<Column> columns, Compression compression, byte[] body) {
        try (InputStream in = compression.decompress(new ByteArrayInputStream(body))) {
            RecordStreamReader r = new RecordStreamReader(columns, in, false, true);
            List<Object[]> rows = new ArrayList<>();
            Object[] row;
            while ((row = r.read()) != null) {
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows of a partition with STRING bytes turned into text, for comparisons. */
    static List<List<Object>> readable(List<Object[]> rows) {
        List<List<Object>> out = new ArrayList<>();
        for (Object[] row : rows) {
            List<Object> r = new ArrayList<>();
            for (Object v : row) {
                r.add(v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v);
            }
            out.add(r);
        }
        return out;
    }

    static PartitionSpec pt(String spec) {
        return PartitionSpec.parse(spec);
    }
}
