package io.github.mctunnel.client.session;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes rows from one download response body. Usually a {@code codec.RecordStreamReader} over the
 * body decompressed per its {@code Content-Encoding}.
 */
@FunctionalInterface
public interface RowDecoder {

    /** The next row, or null at the end of the stream (after its trailer was verified). */
    Object[] read() throws IOException;

    /** Opens a decoder for a response body. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param body the raw response body
         * @param contentEncoding the response's {@code Content-Encoding}, or null for raw
         */
        RowDecoder open(InputStream body, String contentEncoding) throws IOException;
    }
}
