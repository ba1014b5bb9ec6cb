package io.github.mctunnel.client.http;

import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The body of a request. A {@linkplain #isRepeatable() repeatable} body (bytes the caller keeps)
 * can be re-sent on retry; a streamed body is produced while it is sent and therefore is sent once.
 * Entities carry no content type: the client sets {@code Content-Type} itself so that the signed
 * header is exactly the one on the wire.
 */
public abstract class RequestBody {

    /** Writes the body while the request is sent. */
    @FunctionalInterface
    public interface StreamWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** A fixed-length body sent with {@code Content-Length}; the array is not copied. */
    public static RequestBody bytes(byte[] data, int offset, int length) {
        return new RequestBody() {
            @Override
            HttpEntity newEntity() {
                return new ByteArrayEntity(data, offset, length, null);
            }

            @Override
            public boolean isRepeatable() {
                return true;
            }
        };
    }

    /** A chunked body produced by {@code writer} while it is sent; never retried. */
    public static RequestBody streamed(StreamWriter writer) {
        return new RequestBody() {
            @Override
            HttpEntity newEntity() {
                return new StreamedEntity(writer);
            }

            @Override
            public boolean isRepeatable() {
                return false;
            }
        };
    }

    abstract HttpEntity newEntity();

    public abstract boolean isRepeatable();

    private static final class StreamedEntity extends AbstractHttpEntity {
        private final StreamWriter writer;

        StreamedEntity(StreamWriter writer) {
            super((String) null, null, true);
            this.writer = writer;
        }

        @Override
        public boolean isRepeatable() {
            return false;
        }

        @Override
        public long getContentLength() {
            return -1;
        }

        @Override
        public java.io.InputStream getContent() {
            throw new UnsupportedOperationException("a streamed body can only be written");
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            writer.writeTo(out);
        }

        @Override
        public boolean isStreaming() {
            return false;
        }

        @Override
        public void close() {}
    }
}
