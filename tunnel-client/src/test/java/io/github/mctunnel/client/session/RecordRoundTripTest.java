package io.github.mctunnel.client.session;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.http.FakeHttpServer;
import io.github.mctunnel.client.http.FakeHttpServer.Recorded;
import io.github.mctunnel.client.http.FakeHttpServer.Reply;
import io.github.mctunnel.client.http.FakeTime;
import io.github.mctunnel.client.schema.PartitionSpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records written through {@link UploadSession#writeRecords} (codec + compression, streamed) come
 * back with exactly the same values through {@link DownloadSession#openReader} with the codec, for
 * every compression.
 */
class RecordRoundTripTest {

    private FakeHttpServer server;
    private TunnelClient client;
    private final AtomicReference<byte[]> stored = new AtomicReference<>();
    private final AtomicReference<String> storedEncoding = new AtomicReference<>();

    @BeforeEach
    void setUp() throws Exception {
        server = new FakeHttpServer();
        FakeTime time = SessionTestSupport.time();
        client = SessionTestSupport.client(server, time, null);
        server.handler(this::serve);
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close();
        server.close();
    }

    private Reply serve(Recorded r) {
        if (r.path().endsWith("/tunnel")) {
            return Reply.of(200, server.hostPort());
        }
        if (r.params().containsKey("uploads")) {
            return Reply.json(
                    "{\"UploadID\":\"U\",\"Status\":\"normal\",\"Schema\":"
                            + SessionTestSupport.schemaFor(r)
                            + "}");
        }
        if (r.method().equals("PUT")) {
            stored.set(r.body());
            storedEncoding.set(r.header("Content-Encoding"));
            return Reply.json("{}");
        }
        if (r.params().containsKey("downloads")) {
            return Reply.json(
                    "{\"DownloadID\":\"D\",\"Status\":\"normal\",\"RecordCount\":3,\"Schema\":"
                            + SessionTestSupport.schemaFor(r)
                            + "}");
        }
        if (r.params().containsKey("data")) {
            if (!"(0,3)".equals(r.params().get("rowrange"))) {
                return Reply.of(400, "{\"Code\":\"InvalidRowRange\",\"Message\":\"x\"}");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            if (storedEncoding.get() != null) {
                headers.put("Content-Encoding", storedEncoding.get());
            }
            return new Reply(200, headers, stored.get(), -1);
        }
        return Reply.of(400, "{\"Code\":\"Unexpected\",\"Message\":\"x\"}");
    }

    private static final Object[][] ROWS = {
        {1L, "hello"}, {null, "汉字"}, {-3L, ""},
    };

    @Test
    void uploadThenDownloadGivesTheSameValues() throws Exception {
        for (Compression c : Compression.values()) {
            UploadSession up =
                    client.createUploadSession(client.table("t"), PartitionSpec.empty(), false);
            long written =
                    up.writeRecords(
                            0,
                            c,
                            w -> {
                                for (Object[] row : ROWS) {
                                    w.write(row);
                                }
                            });
            assertThat(written).isEqualTo(3);
            assertThat(storedEncoding.get()).isEqualTo(c.contentEncoding());

            DownloadSession down =
                    client.createDownloadSession(client.table("t"), PartitionSpec.empty());
            DownloadReader reader = down.openReader(0, 3, null, c, false, 1000);
            List<Object[]> rows = new ArrayList<>();
            Object[] row;
            while ((row = reader.read()) != null) {
                rows.add(row);
            }
            assertThat(rows).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(Arrays.asList(rows.get(i))).as(c + " row " + i).containsExactly(ROWS[i]);
            }
        }
    }
}
