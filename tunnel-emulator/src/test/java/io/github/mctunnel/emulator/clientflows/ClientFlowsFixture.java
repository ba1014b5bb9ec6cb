package io.github.mctunnel.emulator.clientflows;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.Credentials;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.http.RetryPolicy;
import io.github.mctunnel.client.session.DownloadReader;
import io.github.mctunnel.emulator.TunnelEmulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Starts an emulator with credentials and builds clients of our tunnel client against it. */
final class ClientFlowsFixture {

    static final String PROJECT = "flows";
    static final String ACCESS_ID = "flows-access-id";
    static final String ACCESS_KEY = "flows-secret-key-d41d8cd98f00b204";

    private ClientFlowsFixture() {}

    static TunnelEmulator startEmulator(Consumer<TunnelEmulator.Builder> configurer)
            throws IOException {
        TunnelEmulator.Builder b =
                TunnelEmulator.builder().project(PROJECT).credentials(ACCESS_ID, ACCESS_KEY);
        configurer.accept(b);
        return b.build().start();
    }

    static TunnelEmulator startEmulator() throws IOException {
        return startEmulator(b -> {});
    }

    /** A client with the default retry policy, tunnel endpoint discovered, V2 signing. */
    static TunnelClient client(TunnelEmulator emulator) {
        return clientBuilder(emulator).build();
    }

    static TunnelClient.Builder clientBuilder(TunnelEmulator emulator) {
        return TunnelClient.builder()
                .odpsEndpoint(emulator.odpsEndpoint())
                .project(PROJECT)
                .credentialsProvider(
                        new StaticCredentialsProvider(Credentials.of(ACCESS_ID, ACCESS_KEY)));
    }

    /** 1 s doubling (the service policy), no jitter, giving up after {@code maxSeconds}. */
    static RetryPolicy servicePolicyWithin(int maxSeconds) {
        return new RetryPolicy(
                java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(32),
                java.time.Duration.ofSeconds(maxSeconds),
                0);
    }

    /** Reads every row the reader returns, closing it. */
    static List<Object[]> readAll(DownloadReader reader) throws IOException {
        List<Object[]> rows = new ArrayList<>();
        try (reader) {
            Object[] row;
            while ((row = reader.read()) != null) {
                rows.add(row.clone());
            }
        }
        return rows;
    }

    /**
     * A comparable form of rows: {@code byte[]} (at any level) becomes {@code "0x<hex>"}, arrays
     * become lists, so that {@code equals} compares contents.
     */
    static List<List<Object>> comparable(List<Object[]> rows) {
        List<List<Object>> out = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            out.add(comparableRow(row));
        }
        return out;
    }

    static List<Object> comparableRow(Object[] row) {
        List<Object> values = new ArrayList<>(row.length);
        for (Object v : row) {
            values.add(comparableValue(v));
        }
        return values;
    }

    private static Object comparableValue(Object v) {
        if (v instanceof byte[] b) {
            return "0x" + HexFormat.of().formatHex(b);
        }
        if (v instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object e : list) {
                copy.add(comparableValue(e));
            }
            return copy;
        }
        if (v instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                copy.put(comparableValue(e.getKey()), comparableValue(e.getValue()));
            }
            return copy;
        }
        return v;
    }

    /** STRING values of {@link TunnelEmulator#committedRows} are UTF-8 bytes. */
    static String utf8(Object bytes) {
        return bytes == null ? null : new String((byte[]) bytes, StandardCharsets.UTF_8);
    }
}
