package io.github.mctunnel.emulator.server;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** A byte-array response body that can cut the connection after a number of bytes. */
final class FaultableEntity extends AbstractHttpEntity {

    private final byte[] bytes;
    private final long dropAfterBytes;

    FaultableEntity(
            byte[] bytes,
            ContentType contentType,
            String contentEncoding,
            boolean chunked,
            long dropAfterBytes) {
        super(contentType, contentEncoding, chunked);
        this.bytes = bytes;
        this.dropAfterBytes = dropAfterBytes;
    }

    @Override
    public long getContentLength() {
        return isChunked() ? -1 : bytes.length;
    }

    @Override
    public InputStream getContent() {
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        if (dropAfterBytes >= 0 && dropAfterBytes < bytes.length) {
            out.write(bytes, 0, (int) dropAfterBytes);
            out.flush();
            throw new IOException(
                    "fault injection: connection dropped after " + dropAfterBytes + " body bytes");
        }
        out.write(bytes);
        out.flush();
    }

    @Override
    public boolean isRepeatable() {
        return true;
    }

    @Override
    public boolean isStreaming() {
        return false;
    }

    @Override
    public void close() {}
}
