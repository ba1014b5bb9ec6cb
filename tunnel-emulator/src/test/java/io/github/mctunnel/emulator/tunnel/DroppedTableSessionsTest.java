package io.github.mctunnel.emulator.tunnel;

import io.github.mctunnel.client.compress.Compression;
import io.github.mctunnel.client.schema.Column;
import io.github.mctunnel.client.schema.PartitionSpec;
import io.github.mctunnel.client.schema.TableIdentifier;
import io.github.mctunnel.client.schema.TableSchema;
import io.github.mctunnel.emulator.catalog.TableState;
import io.github.mctunnel.emulator.server.ServiceException;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.github.mctunnel.emulator.tunnel.TunnelFixture.encode;
import static io.github.mctunnel.emulator.tunnel.TunnelFixture.params;
import static org.assertj.core.api.Assertions.assertThat;

/** Sessions of a dropped table let go of its data at once and are gone, even under its name. */
class DroppedTableSessionsTest {

    private static final TableSchema SCHEMA =
            TableSchema.of(List.of(Column.of("id", "bigint"), Column.of("name", "string")));
    private static final TableIdentifier T = TableIdentifier.of("p", "t");

    private final TunnelFixture f = new TunnelFixture();

    @Test
    void droppingATableEndsItsSessions() {
        TableState t = f.plainTable("t", SCHEMA);
        t.commit(Map.of(PartitionSpec.empty(), List.<Object[]>of(new Object[] {1L, null})), false);
        String download =
                f.call("POST", "t", "", params("downloads", null))
                        .json()
                        .get("DownloadID")
                        .asText();
        String upload =
                f.call("POST", "t", "", params("uploads", null)).json().get("UploadID").asText();
        assertThat(
                        f.call(
                                        "PUT",
                                        "t",
                                        "",
                                        params("uploadid", upload, "blockid", "0"),
                                        Map.of(),
                                        encode(
                                                SCHEMA.columns(),
                                                Compression.RAW,
                                                List.<Object[]>of(new Object[] {2L, null})))
                                .error())
                .isNull();
        assertThat(f.service.stats(T).openUploadSessions()).isEqualTo(1);

        f.catalog.dropTable(T, false);

        ServiceException gone = f.call("GET", "t", "", params("downloadid", download)).err();
        assertThat(gone.code()).isEqualTo("NoSuchTable");
        assertThat(gone.getMessage()).isEqualTo("The specified table 'p.t' does not exist.");

        // Re-created under the same name: the old sessions do not come back.
        f.plainTable("t", SCHEMA);
        assertThat(f.service.stats(T).openUploadSessions()).isZero();
        ServiceException noDownload = f.call("GET", "t", "", params("downloadid", download)).err();
        assertThat(noDownload.status()).isEqualTo(404);
        assertThat(noDownload.code()).isEqualTo("NoSuchDownload");
        ServiceException noUpload = f.call("POST", "t", "", params("uploadid", upload)).err();
        assertThat(noUpload.code()).isEqualTo("NoSuchUpload");
        assertThat(f.catalog.table(T).snapshot(PartitionSpec.empty())).isEmpty();
    }
}
