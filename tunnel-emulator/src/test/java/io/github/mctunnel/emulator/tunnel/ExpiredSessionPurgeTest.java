package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.client.schema.TypeInfo;
import io.github.mctunnel.emulator.server.ServiceException;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.github.mctunnel.emulator.tunnel.TunnelFixture.params;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions whose lifetime has passed are removed from memory (lazily by requests, or on demand),
 * and a request on a removed session answers exactly what it answered while the session was held.
 */
class ExpiredSessionPurgeTest {

    private static final TableSchema PLAIN =
            TableSchema.of(List.of(Column.of("id", "bigint"), Column.of("name", "string")));
    private static final TableSchema DELTA =
            TableSchema.of(
                    List.of(
                            new Column("k", TypeInfo.parse("bigint"), false, "", null),
                            Column.of("v", "string")));

    private final TunnelFixture f = new TunnelFixture();
    private String upload;
    private String download;
    private String stream;
    private String upsert;

    @BeforeEach
    void createOneSessionOfEachKind() {
        f.plainTable("t", PLAIN);
        f.deltaTable("d", DELTA, List.of("k"), 4);
        upload = f.call("POST", "t", "", params("uploads", null)).json().get("UploadID").asText();
        download =
                f.call("POST", "t", "", params("downloads", null))
                        .json()
                        .get("DownloadID")
                        .asText();
        stream = f.call("POST", "t", "streams", Map.of()).json().get("session_name").asText();
        upsert = f.call("POST", "d", "upserts", Map.of()).json().get("id").asText();
        assertThat(f.service.sessionsInMemory()).isEqualTo(4);
    }

    /** A reload of each session; all fail. */
    private List<ServiceException> reloadAll() {
        return List.of(
                f.call("GET", "t", "", params("uploadid", upload)).err(),
                f.call("GET", "t", "", params("downloadid", download)).err(),
                f.call("GET", "t", "streams", params("uploadid", stream)).err(),
                f.call("GET", "d", "upserts", params("upsertid", upsert)).err());
    }

    private static String describe(ServiceException e) {
        return e.status() + " " + e.code() + " " + e.getMessage();
    }

    @Test
    void requestsPurgeExpiredSessionsWhichStillAnswerExpired() {
        // at the end of their lifetime: expired, still in memory
        f.clock.advance(Duration.ofHours(24));
        List<ServiceException> held = reloadAll();
        assertThat(f.service.sessionsInMemory()).isEqualTo(4);
        assertThat(held).allSatisfy(e -> assertThat(e.getMessage()).contains("has expired"));

        // a day later the next request sweeps them out; the answers stay the same
        f.clock.advance(Duration.ofHours(24));
        f.call("POST", "t", "", params("uploads", null)); // one new session
        assertThat(f.service.sessionsInMemory()).isEqualTo(1);
        assertThat(reloadAll())
                .extracting(ExpiredSessionPurgeTest::describe)
                .containsExactlyElementsOf(
                        held.stream().map(ExpiredSessionPurgeTest::describe).toList());
    }

    @Test
    void purgeOnDemandKeepsLiveSessions() {
        f.clock.advance(Duration.ofHours(23));
        String live =
                f.call("POST", "t", "", params("uploads", null)).json().get("UploadID").asText();
        f.clock.advance(Duration.ofHours(2));
        assertThat(f.service.purgeExpiredSessions()).isEqualTo(4);
        assertThat(f.service.sessionsInMemory()).isEqualTo(1);
        assertThat(f.call("GET", "t", "", params("uploadid", live)).error()).isNull();
        assertThat(f.call("GET", "t", "", params("uploadid", upload)).err().code())
                .isEqualTo("NoSuchUpload");
    }

    @Test
    void anIdThatNeverExistedStillDoesNotExist() {
        f.clock.advance(Duration.ofHours(48));
        f.service.purgeExpiredSessions();
        assertThat(f.call("GET", "t", "", params("uploadid", "nope")).err().getMessage())
                .isEqualTo("The specified upload session nope does not exist");
    }
}
