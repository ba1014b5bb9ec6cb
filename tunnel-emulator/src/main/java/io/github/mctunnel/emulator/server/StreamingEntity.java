package io.github.mctunnel.emulator.server;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A chunked response body produced while it is sent: the handler's {@link
 * EmulatorResponse.BodyWriter} writes straight into the connection, so memory per response stays
 * bounded and producing overlaps sending. A writer that fails half way (for example a download
 * exceeding the reader lifetime) resets the connection, so the client sees a cut body, never a
 * complete-looking short one.
 */
final class StreamingEntity extends AbstractHttpEntity {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingEntity.class);

    private final EmulatorResponse.BodyWriter writer;
    private final String requestDescription;

    StreamingEntity(
            EmulatorResponse.BodyWriter writer,
            ContentType contentType,
            String contentEncoding,
            String requestDescription) {
        super(contentType, contentEncoding, true);
        this.writer = writer;
        this.requestDescription = requestDescription;
    }

    @Override
    public long getContentLength() {
        return -1;
    }

    @Override
    public InputStream getContent() {
        throw new UnsupportedOperationException("a streamed response body can only be written");
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        try {
            writer.writeTo(new UnclosableStream(out));
            out.flush();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Response body of {} cut off: {}", requestDescription, e.toString());
            AbortableConnection.abortCurrent();
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("response body cut off: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isRepeatable() {
        return false;
    }

    @Override
    public boolean isStreaming() {
        return true;
    }

    @Override
    public void close() {}

    /** Passes writes through; closing only flushes (the server ends the chunked body). */
    private static final class UnclosableStream extends FilterOutputStream {
        UnclosableStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
