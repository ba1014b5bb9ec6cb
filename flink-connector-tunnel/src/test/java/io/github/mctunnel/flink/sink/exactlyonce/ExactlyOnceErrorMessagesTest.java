package io.github.mctunnel.flink.sink.exactlyonce;

import io.github.mctunnel.client.TunnelClient;
import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.session.UploadSession;
import io.github.mctunnel.emulator.TunnelEmulator;
import io.github.mctunnel.emulator.fault.LoggedRequest;
import io.github.mctunnel.emulator.fault.RequestMatcher;
import io.github.mctunnel.flink.client.SharedTunnelClients;
import io.github.mctunnel.flink.client.TunnelClientLease;
import io.github.mctunnel.flink.config.TableWriteLimits;
import io.github.mctunnel.flink.config.TunnelConnectionOptions;

import org.apache.flink.metrics.SimpleCounter;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The messages a user reads when the exactly-once sink's session coordinator or committer fails:
 * they name the table, the partition, the session, the service's error and its request id, or the
 * setting to change.
 */
class ExactlyOnceErrorMessagesTest {

    private static TunnelEmulator emulator;
    private static TunnelConnectionOptions connection;
    private static TunnelClientLease lease;
    private static TunnelClient client;

    @BeforeAll
    static void start() throws Exception {
        emulator = TunnelEmulator.builder().credentials("ak", "sk").build().start();
        connection =
                TunnelConnectionOptions.builder()
                        .endpoint(emulator.odpsEndpoint())
                        .tunnelEndpoint(emulator.tunnelEndpoint())
                        .project(emulator.defaultProject())
                        .accessKey("ak", "sk")
                        .build();
        lease = SharedTunnelClients.jvm().acquire(connection);
        client = lease.client();
    }

    @AfterAll
    static void stop() {
        lease.close();
        assertThat(emulator.attackRequests()).isEmpty();
        emulator.close();
    }

    private static void createTable(String name) {
        emulator.executeSql("CREATE TABLE " + name + " (id BIGINT) PARTITIONED BY (ds STRING)");
    }

    private static SessionCoordinator coordinator(String table, int maxPartitions)
            throws Exception {
        SessionCoordinator c =
                new SessionCoordinator(
                        "test",
                        connection,
                        table,
                        TableWriteLimits.defaults(),
                        maxPartitions,
                        false,
                        WriteBudget.PARTITIONS_SETTING,
                        System::currentTimeMillis);
        c.start();
        return c;
    }

    private static Throwable askFails(SessionCoordinator c, String partition, long epoch) {
        try {
            c.handleCoordinationRequest(new SessionRequest(partition, epoch, 0, 1, 0)).get();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the coordinator handed out a session for " + partition);
    }

    /** The request id of the last request answered with {@code status}. */
    private static String requestIdOfLast(int status) {
        List<LoggedRequest> failed = emulator.requestLog().entries(r -> r.status() == status);
        assertThat(failed).isNotEmpty();
        return failed.get(failed.size() - 1).requestId();
    }

    @Test
    void onePartitionTooManyInAnEpochNamesTheSetting() throws Exception {
        createTable("err_partitions");
        SessionCoordinator c = coordinator("err_partitions", 1);
        try {
            c.handleCoordinationRequest(new SessionRequest("ds=a", 1, 0, 1, 0)).get();
            assertThat(askFails(c, "ds=b", 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                            "Upload session for table err_partitions partition ds=b could not be"
                                    + " created: more than 1 partitions were written between two"
                                    + " checkpoints; raise setMaxPartitionsPerCheckpoint (within"
                                    + " the table's budgets) or route fewer partitions to the sink"
                                    + " per checkpoint");
        } finally {
            c.close();
        }
    }

    @Test
    void aRefusedSessionCreationNamesTablePartitionAndRequestId() throws Exception {
        createTable("err_create");
        SessionCoordinator c = coordinator("err_create", 2);
        try {
            emulator.faultPlan()
                    .failNext(
                            1,
                            RequestMatcher.of("POST", "/tables/err_create").withParam("uploads"),
                            403,
                            "NoPermission");
            Throwable error = askFails(c, "ds=a", 1);
            assertThat(error)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                            "Upload session for table err_create partition ds=a could not be"
                                    + " created: create upload session of "
                                    + emulator.defaultProject()
                                    + ".err_create (partition=ds=a) failed: HTTP 403,"
                                    + " ErrorCode=NoPermission, ErrorMessage=Injected fault:"
                                    + " NoPermission, RequestId="
                                    + requestIdOfLast(403));
        } finally {
            c.close();
        }
    }

    @Test
    void aRefusedCommitNamesTablePartitionSessionAndRequestId() throws Exception {
        createTable("err_commit");
        TableIdentifier table = client.table("err_commit");
        PartitionSpec partition = PartitionSpec.parse("ds=a");
        client.meta().createPartition(table, partition, true);
        UploadSession session = client.createUploadSession(table, partition, false);
        session.writeRecords(0, Compression.DEFAULT, w -> w.write(new Object[] {1L}));
        emulator.faultPlan()
                .failNext(
                        1,
                        RequestMatcher.of("POST", "/tables/err_commit").withParam("uploadid"),
                        409,
                        "StatusConflict");
        try (SessionCommitter committer =
                new SessionCommitter(
                        connection,
                        "err_commit",
                        TableWriteLimits.defaults(),
                        new SimpleCounter(),
                        new SimpleCounter())) {
            assertThatThrownBy(
                            () ->
                                    committer.commit(
                                            List.of(
                                                    new BlockCommittable(
                                                            session.id(),
                                                            "ds=a",
                                                            7,
                                                            List.of(0L),
                                                            1))))
                    .hasMessage(
                            "commit upload session of "
                                    + emulator.defaultProject()
                                    + ".err_commit (partition=ds=a, session="
                                    + session.id()
                                    + ") failed: HTTP 409, ErrorCode=StatusConflict,"
                                    + " ErrorMessage=Injected fault: StatusConflict, RequestId="
                                    + requestIdOfLast(409));
        }
        assertThat(emulator.committedRows(table, partition)).isEmpty();
    }
}
