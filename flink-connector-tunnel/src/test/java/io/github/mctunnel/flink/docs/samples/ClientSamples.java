package io.github.mctunnel.flink.docs.samples;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.auth.StaticCredentialsProvider;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.meta.TableInfo;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.CommitOutcome;
import io.github.mctunnel.client.session.DownloadReader;
import io.github.mctunnel.client.session.DownloadSession;
import io.github.mctunnel.client.session.UploadSession;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The samples of docs/client.md; {@code DocsSamplesITCase} runs them against the emulator. */
public final class ClientSamples {

    private ClientSamples() {}

    static TunnelClient connect(String endpoint, String accessId, String secret) {
        // [START client-connect]
        // endpoint: e.g. https://service.cn-hangzhou.maxcompute.aliyun.com/api
        TunnelClient client =
                TunnelClient.builder()
                        .odpsEndpoint(endpoint)
                        .project("my_project")
                        .credentialsProvider(StaticCredentialsProvider.of(accessId, secret))
                        .build(); // the tunnel endpoint is discovered; .tunnelEndpoint(..) sets it
        // [END client-connect]
        return client;
    }

    static TableInfo describe(TunnelClient client) throws IOException {
        // [START client-table]
        TableIdentifier orders = client.table("orders");
        TableInfo info = client.getTable(orders); // columns, partition keys, primary key, ...
        // [END client-table]
        return info;
    }

    static CommitOutcome upload(TunnelClient client, List<Order> rows) throws IOException {
        // [START client-upload]
        TableIdentifier orders = client.table("orders");
        UploadSession session =
                client.createUploadSession(orders, PartitionSpec.parse("ds=20261122"), false);
        session.writeRecords( // block 0, streamed as it is written
                0,
                Compression.LZ4,
                writer -> {
                    for (Order o : rows) {
                        writer.write(new Object[] {o.orderId, o.userId, o.amount, o.createdAt});
                    }
                });
        CommitOutcome outcome = session.commit(List.of(0L)); // rows visible, atomically
        // [END client-upload]
        return outcome;
    }

    static List<Object[]> download(TunnelClient client) throws IOException {
        // [START client-download]
        DownloadSession session =
                client.createDownloadSession(
                        client.table("orders"), PartitionSpec.parse("ds=20261122"));
        List<Object[]> rows = new ArrayList<>();
        try (DownloadReader reader =
                session.openReader(
                        0,
                        session.recordCount(),
                        List.of("order_id", "amount"), // projection: only these travel
                        Compression.LZ4,
                        false,
                        DownloadSession.DEFAULT_ROWS_PER_REQUEST)) {
            for (Object[] row = reader.read(); row != null; row = reader.read()) {
                rows.add(row); // {Long order_id, BigDecimal amount}
            }
        }
        // [END client-download]
        return rows;
    }

    static Order order(long id) {
        return new Order(id, id % 3, new BigDecimal(id + ".10"), Instant.EPOCH, null);
    }
}
