package io.github.mctunnel.client.session;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.http.FakeHttpServer;
import io.github.mctunnel.client.http.FakeTime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Shared fixtures: a client against the fake server, a session schema, a line-based row codec. */
final class SessionTestSupport {

    static final String SCHEMA =
            "{\"columns\":[{\"column_id\":\"1\",\"name\":\"a\",\"type\":\"bigint\",\"nullable\":true},"
                    + "{\"column_id\":\"2\",\"name\":\"b\",\"type\":\"string\",\"nullable\":\"false\"}],"
                    + "\"partitionKeys\":[{\"name\":\"pt\",\"type\":\"string\"}]}";

    /** The same columns without partition keys. */
    static final String FLAT_SCHEMA =
            SCHEMA.replace("[{\"name\":\"pt\",\"type\":\"string\"}]", "[]");

    /** {@link #SCHEMA} when the request names a partition, else {@link #FLAT_SCHEMA}. */
    static String schemaFor(io.github.mctunnel.client.http.FakeHttpServer.Recorded r) {
        return r.params().containsKey("partition") ? SCHEMA : FLAT_SCHEMA;
    }

    private SessionTestSupport() {}

    static FakeTime time() {
        return new FakeTime(Instant.parse("2024-01-01T00:00:00Z"));
    }

    /** A client whose tunnel endpoint is discovered through {@code <server>/api}. */
    static TunnelClient client(FakeHttpServer server, FakeTime time, String quotaName) {
        return TunnelClient.builder()
                .odpsEndpoint(server.uri() + "/api")
                .project("p")
                .credentialsProvider(StaticCredentialsProvider.of("ak", "sk"))
                .quotaName(quotaName)
                .clock(time)
                .sleeper(time)
                .jitter(() -> 0.0)
                .build();
    }

    /** Rows encoded as {@code row<i>\n}, closed by {@code END\n}; see {@link #decoder}. */
    static String rows(long start, long count) {
        StringBuilder sb = new StringBuilder();
        for (long i = start; i < start + count; i++) {
            sb.append("row").append(i).append('\n');
        }
        return sb.append("END\n").toString();
    }

    /** A strict decoder of {@link #rows}: a stream that ends before END is an error. */
    static RowDecoder decoder(InputStream in, String encoding) {
        return () -> {
            String line = readLine(in);
            if (line == null) {
                throw new IOException("stream truncated");
            }
            return line.equals("END") ? null : new Object[] {line, encoding};
        };
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                return buf.toString(StandardCharsets.UTF_8);
            }
            buf.write(c);
        }
        return null;
    }
}
