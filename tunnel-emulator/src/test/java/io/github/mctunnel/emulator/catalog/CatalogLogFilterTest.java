package io.github.mctunnel.emulator.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A record holding a class outside the allow-list is refused, not instantiated. */
class CatalogLogFilterTest {

    @TempDir Path dir;

    @Test
    void foreignClassesInTheLogAreRefused() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new java.net.URL("http://gadget.example/"));
        }
        byte[] payload = bytes.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer record = ByteBuffer.allocate(8 + payload.length);
        record.putInt(payload.length).putInt((int) crc.getValue()).put(payload);
        Files.write(dir.resolve(CatalogLog.FILE_NAME), record.array());
        try (CatalogLog log = CatalogLog.open(dir)) {
            assertThatThrownBy(() -> log.replay(e -> {}))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("refused");
        }
    }
}
